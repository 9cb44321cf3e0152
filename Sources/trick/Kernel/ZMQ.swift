import CZMQ
#if canImport(Glibc)
import Glibc
#endif

/// The few ZeroMQ calls the kernel needs: bind, multipart send and receive, poll.
/// A socket is used by one thread at a time (ZeroMQ sockets are not thread-safe).
final class ZMQContext {
    let handle: UnsafeMutableRawPointer

    init() { handle = zmq_ctx_new() }

    func socket(_ type: Int32) -> ZMQSocket { ZMQSocket(zmq_socket(handle, type)) }

    /// Ends the context; blocked calls on its sockets return ETERM.
    func shutdown() { zmq_ctx_shutdown(handle) }

    /// Waits until every socket is closed and their queued messages are sent (up to each one's linger).
    func terminate() { while zmq_ctx_term(handle) != 0 && zmq_errno() == EINTR {} }
}

struct ZMQError: Error, CustomStringConvertible {
    var description: String
    static func last(_ what: String) -> ZMQError {
        ZMQError(description: "\(what): \(String(cString: zmq_strerror(zmq_errno())))")
    }
}

final class ZMQSocket {
    let handle: UnsafeMutableRawPointer

    init(_ handle: UnsafeMutableRawPointer) {
        self.handle = handle
        var linger: Int32 = 0     // closing never waits for unsent messages (shutdown must not hang)
        zmq_setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    func bind(_ endpoint: String) throws {
        guard zmq_bind(handle, endpoint) == 0 else { throw ZMQError.last("cannot bind \(endpoint)") }
    }

    func close() { zmq_close(handle) }

    /// How long closing waits to send what is still queued, in milliseconds.
    func setLinger(_ ms: Int32) {
        var v = ms
        zmq_setsockopt(handle, ZMQ_LINGER, &v, MemoryLayout<Int32>.size)
    }

    /// Sends the frames as one multipart message.
    func send(_ frames: [[UInt8]]) {
        for (i, f) in frames.enumerated() {
            let flags: Int32 = i == frames.count - 1 ? 0 : ZMQ_SNDMORE
            f.withUnsafeBytes { p in
                while zmq_send(handle, p.baseAddress, f.count, flags) < 0 && zmq_errno() == EINTR {}
            }
        }
    }

    /// One multipart message, or nil when the context is gone. Interrupted waits are retried.
    func receive() -> [[UInt8]]? {
        var frames: [[UInt8]] = []
        while true {
            var msg = zmq_msg_t()
            zmq_msg_init(&msg)
            defer { zmq_msg_close(&msg) }
            var n = zmq_msg_recv(&msg, handle, 0)
            while n < 0 && zmq_errno() == EINTR { n = zmq_msg_recv(&msg, handle, 0) }
            if n < 0 { return nil }
            let size = zmq_msg_size(&msg)
            if let data = zmq_msg_data(&msg), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if zmq_msg_more(&msg) == 0 { return frames }
        }
    }

    /// Which of `sockets` have a message waiting, within `timeout` milliseconds (-1: forever).
    static func poll(_ sockets: [ZMQSocket], timeout: Int) -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let n = zmq_poll(&items, Int32(items.count), timeout)
        if n <= 0 { return sockets.map { _ in false } }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
