import KernelSigning
#if canImport(Glibc)
import Glibc
#endif

/// A Jupyter message (messaging protocol 5.3): the routing identities it came with, its header,
/// its parent's header, metadata and content.
struct KernelMessage {
    var identities: [[UInt8]] = []
    var header: JSONValue
    var parentHeader: JSONValue = [:]
    var metadata: JSONValue = [:]
    var content: JSONValue = [:]

    var type: String { header["msg_type"]?.string ?? "" }
}

/// The wire format: `identities…, "<IDS|MSG>", HMAC signature, header, parent_header, metadata,
/// content, buffers…`, the signature being the HMAC-SHA256 of the four JSON frames.
struct KernelWire {
    static let delimiter = Array("<IDS|MSG>".utf8)
    static let protocolVersion = "5.3"
    let signer: MessageSigner
    /// This kernel's session id, in the header of everything it sends.
    let session = KernelWire.uuid()

    enum DecodeError: Error { case noDelimiter, badSignature, badJSON(String) }

    func decode(_ frames: [[UInt8]]) throws -> KernelMessage {
        guard let d = frames.firstIndex(of: KernelWire.delimiter), frames.count >= d + 6 else { throw DecodeError.noDelimiter }
        let parts = Array(frames[(d + 2)..<(d + 6)])
        let signature = String(decoding: frames[d + 1], as: UTF8.self)
        guard signer.verify(parts, signature: signature) else { throw DecodeError.badSignature }
        do {
            return KernelMessage(identities: Array(frames[..<d]), header: try JSONValue.parse(parts[0]),
                                 parentHeader: try JSONValue.parse(parts[1]), metadata: try JSONValue.parse(parts[2]),
                                 content: try JSONValue.parse(parts[3]))
        } catch {
            throw DecodeError.badJSON("\(error)")
        }
    }

    func encode(_ m: KernelMessage) -> [[UInt8]] {
        let parts = [m.header, m.parentHeader, m.metadata, m.content].map { Array($0.serialized().utf8) }
        return m.identities + [KernelWire.delimiter, Array(signer.signature(parts).utf8)] + parts
    }

    /// A new message of `type` in reply to (or caused by) `parent`.
    func message(_ type: String, content: JSONValue, parent: KernelMessage?, identities: [[UInt8]] = [],
                 metadata: JSONValue = [:]) -> KernelMessage {
        let header: JSONValue = [
            "msg_id": .string(KernelWire.uuid()),
            "session": .string(session),
            "username": "trick",
            "date": .string(KernelWire.now()),
            "msg_type": .string(type),
            "version": .string(KernelWire.protocolVersion),
        ]
        return KernelMessage(identities: identities, header: header, parentHeader: parent?.header ?? [:],
                             metadata: metadata, content: content)
    }

    /// A random (version 4) UUID.
    static func uuid() -> String {
        var g = SystemRandomNumberGenerator()
        var bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { b -> String in
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return [hex[0..<4], hex[4..<6], hex[6..<8], hex[8..<10], hex[10..<16]].map { $0.joined() }.joined(separator: "-")
    }

    /// The current time in ISO 8601 (UTC, microseconds), as Jupyter dates its messages.
    static func now() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        var t = time_t(ts.tv_sec)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(Int(tmv.tm_year) + 1900, 4))-\(pad(Int(tmv.tm_mon) + 1, 2))-\(pad(Int(tmv.tm_mday), 2))T"
            + "\(pad(Int(tmv.tm_hour), 2)):\(pad(Int(tmv.tm_min), 2)):\(pad(Int(tmv.tm_sec), 2)).\(pad(Int(ts.tv_nsec) / 1000, 6))Z"
    }
}

/// Base64 for binary MIME data (`image/png`), as Jupyter requires.
enum Base64 {
    static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out += [table[Int(n >> 18 & 63)], table[Int(n >> 12 & 63)]]
            out += rest == 2 ? [table[Int(n >> 6 & 63)], UInt8(ascii: "=")] : [UInt8(ascii: "="), UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}
