import Foundation
import XCTest
@testable import TrickCore

/// torch.save's format (Tests/torch_save, from tools/gen_torch_save_files.py: torch_files/ written
/// by torch 2.4.1, trick_files/ written by trick and checked with torch.load). Reading a file
/// trick wrote and writing it again gives the same bytes (the object model keeps what the pickle
/// says: OrderedDicts, Counters, Parameters, objects met twice), torch's views read as torch's
/// values, and damaged files are errors, never a crash.
final class TorchArchiveTests: XCTestCase {
    static let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("torch_save")

    func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: Self.dir.appendingPathComponent(path))) }

    func names(_ folder: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: Self.dir.appendingPathComponent(folder).path).filter { $0.hasSuffix(".pt") }.sorted()
    }

    func testTrickFilesWriteBackByteForByte() throws {
        let files = try names("trick_files")
        XCTAssertEqual(files.count, 8)
        for name in files {
            let file = try bytes("trick_files/" + name)
            let object = try TorchArchive.read(file)
            XCTAssertEqual(try TorchArchive.write(object, archiveName: TorchArchive.archiveName(forPath: name)), file, name)
        }
    }

    func testTorchViewsAreTheirStoragesElements() throws {
        guard case .dict(let d) = try TorchArchive.read(try bytes("torch_files/views.pt")) else { return XCTFail("views.pt is not a dict") }
        func tensor(_ key: String) throws -> Tensor {
            guard let p = d.pairs.first(where: { if case .string(key) = $0.key { return true } else { return false } }),
                  case .tensor(let t) = p.value else { throw CoreError("no tensor '\(key)'") }
            return t.tensor
        }
        let base = try tensor("base")   // arange(24).reshape(4, 6)
        XCTAssertEqual(base.shape, [4, 6])
        let values = (0..<24).map { base.double(at: $0) }
        XCTAssertEqual(values, (0..<24).map(Double.init))
        let t = try tensor("transposed")
        XCTAssertEqual(t.shape, [6, 4])
        XCTAssertEqual((0..<24).map { t.double(at: $0) }, (0..<24).map { Double(($0 % 4) * 6 + $0 / 4) })
        let slice = try tensor("slice")   // base[1:, ::2]
        XCTAssertEqual(slice.shape, [3, 3])
        XCTAssertEqual((0..<9).map { slice.double(at: $0) }, [6, 8, 10, 12, 14, 16, 18, 20, 22])
        let expanded = try tensor("expanded")   // tensor([1., 2.]).expand(3, 2): stride 0
        XCTAssertEqual((0..<6).map { expanded.double(at: $0) }, [1, 2, 1, 2, 1, 2])
    }

    func testPickleProtocols() throws {
        // torch's file at protocol 4 (FRAME, SHORT_BINUNICODE, MEMOIZE, STACK_GLOBAL …) reads as the protocol-2 files do
        guard case .dict(let d) = try TorchArchive.read(try bytes("torch_files/protocol4.pt")) else { return XCTFail("not a dict") }
        XCTAssertEqual(d.pairs.count, 3)
        guard case .dict(let counter) = d.pairs[2].value else { return XCTFail("no Counter") }
        XCTAssertEqual(counter.kind, .counter)
    }

    /// Every prefix and many one-byte changes of two files: an error or a value, never a trap.
    func testDamagedFilesAreErrors() throws {
        for path in ["torch_files/views.pt", "trick_files/parameters.pt"] {
            let file = try bytes(path)
            for n in stride(from: 0, to: file.count, by: 7) { _ = try? TorchArchive.read(Array(file[..<n])) }
            for i in stride(from: 0, to: file.count, by: 3) {
                for v: UInt8 in [0x00, 0xFF, 0x80, 0x71] {
                    var damaged = file
                    damaged[i] = v
                    _ = try? TorchArchive.read(damaged)
                }
            }
        }
        for name in ["bad_deque.pt", "bad_dtype.pt", "bad_truncated.pt", "bad_opcode.pt", "bad_missing_storage.pt", "bad_legacy.pt", "bad_deep.pt"] {
            let file = try bytes("torch_files/" + name)
            if name == "bad_dtype.pt" {
                // a dtype object is a name nothing called: the binding refuses it
                guard case .dict(let d) = try TorchArchive.read(file), case .global("torch", "float32")? = d.pairs.first?.value else {
                    return XCTFail("bad_dtype.pt")
                }
                continue
            }
            XCTAssertThrowsError(try TorchArchive.read(file), name)
        }
    }

    func testPickledPrimitivesRoundTrip() throws {
        let ints: [Int] = [0, 255, 256, 65535, 65536, Int(Int32.max), Int(Int32.max) + 1, -1, Int(Int32.min), Int(Int32.min) - 1, 1 << 40, Int.max, Int.min]
        let list = PickledList(ints.map { .int($0) } + [.float(-0.0), .float(.infinity), .string("héllo"), .none, .bool(true), .tuple([])])
        let back = try TorchArchive.read(try TorchArchive.write(.list(list), archiveName: "archive"))
        guard case .list(let l) = back else { return XCTFail("not a list") }
        XCTAssertEqual(l.items.count, list.items.count)
        for (i, x) in ints.enumerated() {
            guard case .int(let y) = l.items[i] else { return XCTFail("item \(i)") }
            XCTAssertEqual(x, y)
        }
        guard case .float(let z) = l.items[ints.count] else { return XCTFail("-0.0") }
        XCTAssertEqual(z.sign, .minus)
    }
}
