/// HMAC-SHA256 of a Jupyter message's four JSON frames (header, parent header, metadata,
/// content), hex-encoded, as the messaging protocol's wire format requires. An empty key means
/// the connection file asked for no signing: the signature is then empty.
public struct MessageSigner {
    public let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    public func signature(_ parts: [[UInt8]]) -> String {
        guard !key.isEmpty else { return "" }
        var mac = HMACSHA256(key: key)
        for p in parts { mac.update(p) }
        let digest = mac.finalize()
        let hex: [Character] = Array("0123456789abcdef")
        var s = ""
        for b in digest {
            s.append(hex[Int(b >> 4)])
            s.append(hex[Int(b & 15)])
        }
        return s
    }

    /// Constant-time comparison, so a forged signature learns nothing from the timing.
    public func verify(_ parts: [[UInt8]], signature: String) -> Bool {
        let expected = Array(self.signature(parts).utf8), given = Array(signature.utf8)
        guard expected.count == given.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<expected.count { diff |= expected[i] ^ given[i] }
        return diff == 0
    }
}
