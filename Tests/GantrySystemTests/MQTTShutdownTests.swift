import Foundation
@testable import GantryAgent
import GantryTestSupport
import Synchronization
import Testing

/// The shutdown that once ended in "Fatal error: Unknown error occurred while attempting to acquire a Mutex" in
/// `InboxLog.read`: the broker goes away, libmosquitto's thread reports the lost connection and, in the ingest's
/// callback, writes it to the inbox under the inbox's `Mutex` (a `pwrite` and `fdatasync`, both cancellation
/// points); SIGTERM arrives meanwhile and `MosquittoClient.stop()`, seeing no connection, cancels the thread. Killed
/// there, the thread never released the `Mutex`, and the projection's next read of the inbox crashed on it.
@Suite struct MQTTShutdownTests {
    final class Callback: Sendable {
        let connected = Atomic<Bool>(false)
        let entered = Atomic<Bool>(false)
        let stopping = Atomic<Bool>(false)
        let finished = Atomic<Bool>(false)
        let lock = Mutex(0)
    }

    @Test func stoppingWhileTheLostConnectionIsBeingRecordedLetsTheCallbackFinish() async throws {
        try await withTemporaryDirectory { dir in
            let broker = try Broker(dir: dir)
            try await broker.start()
            let callback = Callback()
            let client = try MosquittoClient(
                options: .init(host: "127.0.0.1", port: broker.port, clientID: "shutdown-test", cleanSession: true, subscriptions: []),
                onMessage: { _ in },
                onConnection: { event in
                    switch event {
                    case .connected:
                        callback.connected.store(true, ordering: .sequentiallyConsistent)
                    case .disconnected(expected: false, _) where callback.connected.load(ordering: .sequentiallyConsistent):
                        // As the ingest records the lost connection: a write under the inbox's lock that is still
                        // running when stop() comes. It waits for the test to say it stops (not a fixed time, which a
                        // loaded machine can outlast before the test looks), then goes on a while inside stop().
                        callback.lock.withLock { count in
                            callback.entered.store(true, ordering: .sequentiallyConsistent)
                            let deadline = ContinuousClock.now + .seconds(20)
                            while !callback.stopping.load(ordering: .sequentiallyConsistent), ContinuousClock.now < deadline {
                                usleep(1_000)
                            }
                            usleep(200_000)
                            count += 1
                            callback.finished.store(true, ordering: .sequentiallyConsistent)
                        }
                    default:
                        break
                    }
                })
            try client.start()
            try await eventually("connected to the broker", timeout: .seconds(10)) { callback.connected.load(ordering: .sequentiallyConsistent) }
            try await broker.stop()
            try await eventually("the lost connection is being recorded", timeout: .seconds(10), interval: .milliseconds(5)) {
                callback.entered.load(ordering: .sequentiallyConsistent)
            }
            // The callback holds on until it is told: stop() comes while it runs.
            callback.stopping.store(true, ordering: .sequentiallyConsistent)
            client.stop()
            let finished = callback.finished.load(ordering: .sequentiallyConsistent)
            #expect(finished, "the callback ran to its end")
            // The lock is free again: the next user (the projection reading the inbox) gets it.
            if finished {
                let count = callback.lock.withLock { $0 }
                #expect(count == 1)
            }
        }
    }
}
