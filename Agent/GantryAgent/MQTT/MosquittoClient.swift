import CMosquitto
import Foundation
import Synchronization

/// One libmosquitto client, running libmosquitto's own network thread (`mosquitto_loop_start`), which
/// reconnects by itself. Nothing of the C API leaks out: messages arrive as `MQTTMessage` values and
/// return codes become `MQTTError`s here, once.
///
/// `@unchecked Sendable`: the handle is used only through libmosquitto calls documented as thread-safe
/// with the threaded loop (connect, subscribe, disconnect, loop_stop), and destroyed in `deinit` after the
/// network thread has been stopped, so no callback outlives the object.
final class MosquittoClient: @unchecked Sendable {
    struct Options: Sendable {
        var host: String
        var port: Int
        var clientID: String
        /// false: a persistent session, so the broker keeps QoS 1 messages for us while we are away.
        var cleanSession: Bool
        var keepalive: Int = 30
        var username: String?
        var password: String?
        var tlsCAFile: String?
        var tlsCertFile: String?
        var tlsKeyFile: String?
        var subscriptions: [(filter: String, qos: Int32)]
        /// Published by the broker when the connection is lost (Sparkplug's STATE death).
        var will: MQTTOutgoing? = nil
        /// Published after subscribing, on every connect (Sparkplug's STATE birth).
        var onConnect: [MQTTOutgoing] = []
        /// Published before a clean disconnect, instead of the will.
        var beforeDisconnect: [MQTTOutgoing] = []
    }

    private let handle: OpaquePointer
    private let options: Options
    /// Runs on libmosquitto's thread; the next packet waits until it returns.
    private let onMessage: @Sendable (MQTTMessage) -> Void
    private let onConnection: @Sendable (MQTTConnectionEvent) -> Void
    private let isConnected = Atomic<Bool>(false)

    private static let libraryReady: Int32 = mosquitto_lib_init()

    /// A client for `options` whose messages go to `onMessage` and connection changes to `onConnection`; throws
    /// when libmosquitto cannot make or configure it.
    ///
    /// Everything that may fail happens here, before the designated initializer sets a stored property: the release
    /// compiler (Swift 6.3) crashes ("Found ownership error") on a throwing initializer of a class holding an atomic.
    convenience init(
        options: Options, onMessage: @escaping @Sendable (MQTTMessage) -> Void,
        onConnection: @escaping @Sendable (MQTTConnectionEvent) -> Void
    ) throws(MQTTError) {
        guard Self.libraryReady == MOSQ_ERR_SUCCESS.rawValue else { throw MQTTError("libmosquitto could not be initialised") }
        guard let handle = mosquitto_new(options.clientID, options.cleanSession, nil) else {
            throw MQTTError("libmosquitto could not create a client for \(options.clientID)")
        }
        do {
            try Self.configure(handle, options)
        } catch {
            mosquitto_destroy(handle)
            throw error
        }
        self.init(handle: handle, options: options, onMessage: onMessage, onConnection: onConnection)
    }

    private init(
        handle: OpaquePointer, options: Options, onMessage: @escaping @Sendable (MQTTMessage) -> Void,
        onConnection: @escaping @Sendable (MQTTConnectionEvent) -> Void
    ) {
        self.handle = handle
        self.options = options
        self.onMessage = onMessage
        self.onConnection = onConnection
        mosquitto_user_data_set(handle, Unmanaged.passUnretained(self).toOpaque())
        // Every callback runs with the thread's cancellation off: `stop()` may cancel the thread (see there), and a
        // thread cancelled inside a callback (at an `fdatasync` or `pwrite` of the inbox, say) would die holding
        // the inbox's Swift `Mutex`, whose next user then crashes ("Unknown error occurred while attempting to
        // acquire a Mutex": the lock's owner no longer exists). Cancelled outside them, it dies in libmosquitto's
        // own wait for the next reconnect, holding nothing of ours.
        mosquitto_connect_callback_set(handle) { _, userdata, code in
            MosquittoClient.uncancellable {
                Unmanaged<MosquittoClient>.fromOpaque(userdata!).takeUnretainedValue().connected(code: code)
            }
        }
        mosquitto_disconnect_callback_set(handle) { _, userdata, code in
            MosquittoClient.uncancellable {
                let client = Unmanaged<MosquittoClient>.fromOpaque(userdata!).takeUnretainedValue()
                client.isConnected.store(false, ordering: .relaxed)
                client.onConnection(.disconnected(expected: code == 0, reason: String(cString: mosquitto_strerror(code))))
            }
        }
        mosquitto_message_callback_set(handle) { _, userdata, message in
            MosquittoClient.uncancellable {
                guard let message = message?.pointee else { return }
                let client = Unmanaged<MosquittoClient>.fromOpaque(userdata!).takeUnretainedValue()
                let topic = String(cString: message.topic)
                let payload = message.payloadlen > 0
                    ? Array(UnsafeRawBufferPointer(start: message.payload, count: Int(message.payloadlen))) : []
                client.onMessage(MQTTMessage(topic: topic, payload: payload, qos: message.qos, retained: message.retain))
            }
        }
    }

    /// Runs `body` with the calling thread's cancellation disabled (`pthread_setcancelstate`): a `pthread_cancel`
    /// arriving meanwhile takes effect at the thread's next cancellation point after `body`, so `body` always runs
    /// to its end and releases its locks.
    static func uncancellable<T>(_ body: () throws -> T) rethrows -> T {
        var previous: Int32 = 0
        pthread_setcancelstate(Int32(PTHREAD_CANCEL_DISABLE), &previous)
        defer {
            var ignored: Int32 = 0
            pthread_setcancelstate(previous, &ignored)
        }
        return try body()
    }

    /// Starts connecting in the background; libmosquitto keeps retrying with backoff until it succeeds.
    func start() throws(MQTTError) {
        try Self.check(mosquitto_loop_start(handle), "network thread")
        let code = mosquitto_connect_async(handle, options.host, Int32(options.port), Int32(options.keepalive))
        if code != MOSQ_ERR_SUCCESS.rawValue {
            // Not fatal: the network thread retries. Say why the first attempt failed.
            onConnection(.disconnected(expected: false, reason: String(cString: mosquitto_strerror(code))))
        }
    }

    /// Disconnects cleanly and stops the network thread; no callback runs after this returns. While not
    /// connected the thread may sit in a reconnect wait of up to 30 s that a disconnect does not interrupt: then
    /// the thread is cancelled instead of awaited. A callback may still be running then (the one reporting the
    /// lost connection writes to the inbox): cancellation is off inside callbacks, so the cancel waits for it
    /// to return, and the thread ends at libmosquitto's next cancellation point.
    func stop() {
        if isConnected.load(ordering: .relaxed) {
            // Queued before the DISCONNECT, so the broker has them first.
            for message in options.beforeDisconnect { _ = publish(message) }
            mosquitto_disconnect(handle)
            mosquitto_loop_stop(handle, false)
        } else {
            mosquitto_loop_stop(handle, true)
        }
    }

    /// Stops taking messages while the store's disk is full, without giving up the session: disconnects cleanly
    /// (DISCONNECT, after the `beforeDisconnect` messages) and stops the network thread, as `stop()` does.
    /// libmosquitto 2.0 cannot stop reading a connection it keeps, nor hold back a PUBACK (it is queued before the
    /// message callback runs), so leaving is the only way to make the broker keep messages: with a persistent
    /// session (`cleanSession` false, the QoS 1 default) the broker queues every QoS 1 message for us meanwhile
    /// (up to its `max_queued_messages`) and resends on reconnect whatever it had sent without a PUBACK. QoS 0
    /// messages published meanwhile are not kept by any broker.
    func pause() {
        stop()
    }

    /// Takes messages again after `pause()`: a new network thread connects with the same client id, so the broker
    /// resumes the session and delivers what it queued. The connection is started before the thread: a thread started
    /// on a client whose state is still "disconnected" (as `pause()` left it) would end at once instead of connecting.
    func resume() throws(MQTTError) {
        let code = mosquitto_connect_async(handle, options.host, Int32(options.port), Int32(options.keepalive))
        try Self.check(mosquitto_loop_start(handle), "network thread")
        if code != MOSQ_ERR_SUCCESS.rawValue {
            // Not fatal: the network thread retries. Say why the first attempt failed.
            onConnection(.disconnected(expected: false, reason: String(cString: mosquitto_strerror(code))))
        }
    }

    deinit {
        mosquitto_loop_stop(handle, true)
        mosquitto_destroy(handle)
    }

    private func connected(code: Int32) {
        guard code == 0 else {
            onConnection(.refused(reason: String(cString: mosquitto_connack_string(code))))
            return
        }
        isConnected.store(true, ordering: .relaxed)
        // Subscribing on every connect makes reconnects resubscribe (the broker may have lost the session).
        for subscription in options.subscriptions {
            mosquitto_subscribe(handle, nil, subscription.filter, subscription.qos)
        }
        for message in options.onConnect { _ = publish(message) }
        onConnection(.connected)
    }

    /// Publishes `message` (thread-safe with the threaded loop); false when libmosquitto refused it, for
    /// example while not connected (QoS 0).
    @discardableResult
    func publish(_ message: MQTTOutgoing) -> Bool {
        message.payload.withUnsafeBytes { bytes in
            mosquitto_publish(handle, nil, message.topic, Int32(bytes.count), bytes.baseAddress, message.qos, message.retain)
        } == MOSQ_ERR_SUCCESS.rawValue
    }

    /// The client's reconnect delays, credentials, will and TLS from `options`.
    private static func configure(_ handle: OpaquePointer, _ options: Options) throws(MQTTError) {
        try check(mosquitto_reconnect_delay_set(handle, 1, 30, true), "reconnect delay")
        if options.username != nil || options.password != nil {
            try check(mosquitto_username_pw_set(handle, options.username, options.password), "credentials")
        }
        if let will = options.will {
            try check(mosquitto_will_set(handle, will.topic, Int32(will.payload.count), will.payload, will.qos, will.retain), "will")
        }
        if options.tlsCAFile != nil {
            try check(mosquitto_tls_set(handle, options.tlsCAFile, nil, options.tlsCertFile, options.tlsKeyFile, nil), "TLS")
        }
    }

    private static func check(_ code: Int32, _ what: String) throws(MQTTError) {
        guard code == MOSQ_ERR_SUCCESS.rawValue else {
            throw MQTTError("\(what): \(String(cString: mosquitto_strerror(code)))")
        }
    }
}

/// A message as delivered by the broker.
struct MQTTMessage: Sendable {
    var topic: String
    var payload: [UInt8]
    var qos: Int32
    var retained: Bool
}

/// A message the agent publishes.
struct MQTTOutgoing: Sendable, Equatable {
    var topic: String
    var payload: [UInt8]
    var qos: Int32
    var retain: Bool
}

/// What happened to the broker connection.
enum MQTTConnectionEvent: Sendable, Equatable {
    case connected
    case refused(reason: String)
    case disconnected(expected: Bool, reason: String)
}

/// A libmosquitto call that failed, with libmosquitto's explanation.
struct MQTTError: Error, Sendable, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
