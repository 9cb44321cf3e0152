import Foundation
import XCTest
@testable import TrickCore

/// The files of tools/gen_state_file_vectors.py (real safetensors 0.8 / numpy 1.26): what trick
/// writes for the tensors it read is the libraries' file byte for byte (safetensors, .npy), and
/// its zip archives read back (values in Tests/golden/state_files.trick).
final class StateFileFormatTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("golden/data/state_files")

    func bytes(_ name: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent(name))) }

    func testSafetensorsWrittenAsTheLibraryWritesThem() throws {
        let file = try bytes("net.safetensors")
        let (tensors, metadata) = try Safetensors.read(file)
        XCTAssertEqual(tensors.count, 9)
        XCTAssertEqual(try Safetensors.write(tensors, metadata: metadata.isEmpty ? nil : metadata), file)
    }

    func testNPYWrittenAsNumpyWritesIt() throws {
        let file = try bytes("one.npy")
        XCTAssertEqual(NPYFormat.write(try NPYFormat.read(file)), file)
    }

    func testZipRoundTripStoredAndDeflated() throws {
        let entries = try ZipArchive.read(try bytes("arrays_compressed.npz"))
        XCTAssertEqual(entries.count, 9)
        for compressed in [false, true] {
            let back = try ZipArchive.read(try ZipArchive.write(entries, compressed: compressed))
            XCTAssertEqual(back.map(\.name), entries.map(\.name))
            XCTAssertEqual(back.map(\.bytes), entries.map(\.bytes))
        }
    }

    func testBadFilesAreErrors() {
        XCTAssertThrowsError(try Safetensors.read([1, 2, 3]))
        XCTAssertThrowsError(try NPYFormat.read(Array("not numpy".utf8)))
        XCTAssertThrowsError(try ZipArchive.read(Array(repeating: 0, count: 40)))
    }
}
