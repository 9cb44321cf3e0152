import XCTest
@testable import KernelSigning

final class SHA256Tests: XCTestCase {
    private func hex(_ b: [UInt8]) -> String { b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined() }
    private func bytes(_ hex: String) -> [UInt8] {
        let c = Array(hex.utf8)
        return stride(from: 0, to: c.count, by: 2).map { UInt8(String(decoding: c[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// The published examples: FIPS 180-4 (SHA-256 of "abc") and RFC 4231 test case 2.
    func testPublishedExamples() {
        XCTAssertEqual(hex(SHA256.hash(Array("abc".utf8))), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(hex(HMACSHA256.mac(key: Array("Jefe".utf8), Array("what do ya want for nothing?".utf8))),
                       "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    /// Python's hashlib and hmac on messages across the padding boundaries and block multiples,
    /// keys empty to longer than a block, each message fed in the generator's frames.
    func testAgainstPython() {
        XCTAssertGreaterThan(hmacVectors.count, 100)
        for v in hmacVectors {
            var x = v.seed
            var msg: [UInt8] = []
            for _ in 0..<v.frames.reduce(0, +) {
                x = x &* 6364136223846793005 &+ 1442695040888963407
                msg.append(UInt8(x >> 56))
            }
            XCTAssertEqual(hex(SHA256.hash(msg)), v.sha256, "sha256 of \(msg.count) bytes")
            var mac = HMACSHA256(key: bytes(v.key))
            var at = 0
            for n in v.frames {
                mac.update(Array(msg[at..<at + n]))
                at += n
            }
            XCTAssertEqual(hex(mac.finalize()), v.hmac, "hmac of \(msg.count) bytes in frames \(v.frames), key of \(v.key.count / 2) bytes")
        }
    }

    /// The Jupyter signature: lower-case hex of the HMAC over the frames, empty without a key;
    /// verify accepts it and rejects any other.
    func testMessageSigner() {
        let frames = [Array("{\"msg_id\":\"1\"}".utf8), Array("{}".utf8), Array("{}".utf8), Array("{\"code\":\"1+1\"}".utf8)]
        let signer = MessageSigner(key: Array("secret".utf8))
        let expected = hex(HMACSHA256.mac(key: Array("secret".utf8), frames.flatMap { $0 }))
        XCTAssertEqual(signer.signature(frames), expected)
        XCTAssertTrue(signer.verify(frames, signature: expected))
        XCTAssertFalse(signer.verify(frames, signature: String(expected.dropLast()) + (expected.last == "0" ? "1" : "0")))
        XCTAssertEqual(MessageSigner(key: []).signature(frames), "")
    }
}
