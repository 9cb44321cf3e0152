import CZMQ
#if canImport(Glibc)
import Glibc
#endif

/// libzmq, opened when the kernel starts rather than linked: linked, every trick process loaded
/// and relocated it and what it links (libsodium, libpgm, libnorm, GSSAPI and Kerberos: ~1.3 MB
/// resident and a tenth of the dynamic loader's work at each start), for a kernel few runs start.
/// zmq.h (Debian's libzmq3-dev, through CZMQ) still gives the types and constants.
struct ZMQ {
    typealias Socket = UnsafeMutableRawPointer
    let ctxNew: @convention(c) () -> UnsafeMutableRawPointer?
    let ctxShutdown: @convention(c) (UnsafeMutableRawPointer?) -> Int32
    let ctxTerm: @convention(c) (UnsafeMutableRawPointer?) -> Int32
    let socket: @convention(c) (UnsafeMutableRawPointer?, Int32) -> Socket?
    let setsockopt: @convention(c) (Socket?, Int32, UnsafeRawPointer?, Int) -> Int32
    let bind: @convention(c) (Socket?, UnsafePointer<CChar>?) -> Int32
    let close: @convention(c) (Socket?) -> Int32
    let send: @convention(c) (Socket?, UnsafeRawPointer?, Int, Int32) -> Int32
    let msgInit: @convention(c) (UnsafeMutablePointer<zmq_msg_t>?) -> Int32
    let msgClose: @convention(c) (UnsafeMutablePointer<zmq_msg_t>?) -> Int32
    let msgRecv: @convention(c) (UnsafeMutablePointer<zmq_msg_t>?, Socket?, Int32) -> Int32
    let msgSize: @convention(c) (UnsafePointer<zmq_msg_t>?) -> Int
    let msgData: @convention(c) (UnsafeMutablePointer<zmq_msg_t>?) -> UnsafeMutableRawPointer?
    let msgMore: @convention(c) (UnsafePointer<zmq_msg_t>?) -> Int32
    let poll: @convention(c) (UnsafeMutablePointer<zmq_pollitem_t>?, Int32, Int) -> Int32
    let errno: @convention(c) () -> Int32
    let strerror: @convention(c) (Int32) -> UnsafePointer<CChar>?

    /// The library, or why it could not be opened.
    static let loaded: Result<ZMQ, ZMQError> = {
        guard let h = dlopen("libzmq.so.5", RTLD_NOW | RTLD_LOCAL) else {
            let why = dlerror().map { String(cString: $0) } ?? "not found"
            return .failure(ZMQError(description: "cannot open libzmq.so.5 (Debian's libzmq5): \(why)"))
        }
        var missing: [String] = []
        func f<F>(_ name: String, _: F.Type) -> F {
            // A missing function is never called: loading fails below. (A placeholder of the right size.)
            guard let p = dlsym(h, name) else { missing.append(name); return unsafeBitCast(h, to: F.self) }
            return unsafeBitCast(p, to: F.self)
        }
        let z = ZMQ(ctxNew: f("zmq_ctx_new", (@convention(c) () -> UnsafeMutableRawPointer?).self),
                    ctxShutdown: f("zmq_ctx_shutdown", (@convention(c) (UnsafeMutableRawPointer?) -> Int32).self),
                    ctxTerm: f("zmq_ctx_term", (@convention(c) (UnsafeMutableRawPointer?) -> Int32).self),
                    socket: f("zmq_socket", (@convention(c) (UnsafeMutableRawPointer?, Int32) -> Socket?).self),
                    setsockopt: f("zmq_setsockopt", (@convention(c) (Socket?, Int32, UnsafeRawPointer?, Int) -> Int32).self),
                    bind: f("zmq_bind", (@convention(c) (Socket?, UnsafePointer<CChar>?) -> Int32).self),
                    close: f("zmq_close", (@convention(c) (Socket?) -> Int32).self),
                    send: f("zmq_send", (@convention(c) (Socket?, UnsafeRawPointer?, Int, Int32) -> Int32).self),
                    msgInit: f("zmq_msg_init", (@convention(c) (UnsafeMutablePointer<zmq_msg_t>?) -> Int32).self),
                    msgClose: f("zmq_msg_close", (@convention(c) (UnsafeMutablePointer<zmq_msg_t>?) -> Int32).self),
                    msgRecv: f("zmq_msg_recv", (@convention(c) (UnsafeMutablePointer<zmq_msg_t>?, Socket?, Int32) -> Int32).self),
                    msgSize: f("zmq_msg_size", (@convention(c) (UnsafePointer<zmq_msg_t>?) -> Int).self),
                    msgData: f("zmq_msg_data", (@convention(c) (UnsafeMutablePointer<zmq_msg_t>?) -> UnsafeMutableRawPointer?).self),
                    msgMore: f("zmq_msg_more", (@convention(c) (UnsafePointer<zmq_msg_t>?) -> Int32).self),
                    poll: f("zmq_poll", (@convention(c) (UnsafeMutablePointer<zmq_pollitem_t>?, Int32, Int) -> Int32).self),
                    errno: f("zmq_errno", (@convention(c) () -> Int32).self),
                    strerror: f("zmq_strerror", (@convention(c) (Int32) -> UnsafePointer<CChar>?).self))
        if !missing.isEmpty { return .failure(ZMQError(description: "libzmq.so.5 lacks \(missing.joined(separator: ", "))")) }
        return .success(z)
    }()

    /// The opened library; only called once `ZMQContext()` succeeded.
    static var lib: ZMQ { try! loaded.get() }
}

/// The few ZeroMQ calls the kernel needs: bind, multipart send and receive, poll.
/// A socket is used by one thread at a time (ZeroMQ sockets are not thread-safe).
final class ZMQContext {
    let handle: UnsafeMutableRawPointer

    init() throws {
        let z = try ZMQ.loaded.get()
        guard let h = z.ctxNew() else { throw ZMQError.last("cannot create a ZeroMQ context") }
        handle = h
    }

    func socket(_ type: Int32) -> ZMQSocket { ZMQSocket(ZMQ.lib.socket(handle, type)!) }

    /// Ends the context; blocked calls on its sockets return ETERM.
    func shutdown() { _ = ZMQ.lib.ctxShutdown(handle) }

    /// Waits until every socket is closed and their queued messages are sent (up to each one's linger).
    func terminate() { while ZMQ.lib.ctxTerm(handle) != 0 && ZMQ.lib.errno() == EINTR {} }
}

struct ZMQError: Error, CustomStringConvertible {
    var description: String
    static func last(_ what: String) -> ZMQError {
        ZMQError(description: "\(what): \(ZMQ.lib.strerror(ZMQ.lib.errno()).map { String(cString: $0) } ?? "?")")
    }
}

final class ZMQSocket {
    let handle: UnsafeMutableRawPointer

    init(_ handle: UnsafeMutableRawPointer) {
        self.handle = handle
        var linger: Int32 = 0     // closing never waits for unsent messages (shutdown must not hang)
        _ = ZMQ.lib.setsockopt(handle, ZMQ_LINGER, &linger, MemoryLayout<Int32>.size)
    }

    func bind(_ endpoint: String) throws {
        guard ZMQ.lib.bind(handle, endpoint) == 0 else { throw ZMQError.last("cannot bind \(endpoint)") }
    }

    func close() { _ = ZMQ.lib.close(handle) }

    /// How long closing waits to send what is still queued, in milliseconds.
    func setLinger(_ ms: Int32) {
        var v = ms
        _ = ZMQ.lib.setsockopt(handle, ZMQ_LINGER, &v, MemoryLayout<Int32>.size)
    }

    /// Sends the frames as one multipart message.
    func send(_ frames: [[UInt8]]) {
        for (i, f) in frames.enumerated() {
            let flags: Int32 = i == frames.count - 1 ? 0 : ZMQ_SNDMORE
            f.withUnsafeBytes { p in
                while ZMQ.lib.send(handle, p.baseAddress, f.count, flags) < 0 && ZMQ.lib.errno() == EINTR {}
            }
        }
    }

    /// One multipart message, or nil when the context is gone. Interrupted waits are retried.
    func receive() -> [[UInt8]]? {
        let z = ZMQ.lib
        var frames: [[UInt8]] = []
        while true {
            var msg = zmq_msg_t()
            _ = z.msgInit(&msg)
            defer { _ = z.msgClose(&msg) }
            var n = z.msgRecv(&msg, handle, 0)
            while n < 0 && z.errno() == EINTR { n = z.msgRecv(&msg, handle, 0) }
            if n < 0 { return nil }
            let size = z.msgSize(&msg)
            if let data = z.msgData(&msg), size > 0 {
                frames.append(Array(UnsafeRawBufferPointer(start: data, count: size)))
            } else {
                frames.append([])
            }
            if z.msgMore(&msg) == 0 { return frames }
        }
    }

    /// Which of `sockets` have a message waiting, within `timeout` milliseconds (-1: forever).
    static func poll(_ sockets: [ZMQSocket], timeout: Int) -> [Bool] {
        var items = sockets.map { zmq_pollitem_t(socket: $0.handle, fd: 0, events: Int16(ZMQ_POLLIN), revents: 0) }
        let n = ZMQ.lib.poll(&items, Int32(items.count), timeout)
        if n <= 0 { return sockets.map { _ in false } }
        return items.map { $0.revents & Int16(ZMQ_POLLIN) != 0 }
    }
}
