import Foundation
import GantryCore
import Synchronization

/// The agent as a Sparkplug B host application (docs/sparkplug.md). It reads Sparkplug messages from the
/// inbox for the projection, in inbox order, through the session rules of `SparkplugSessions`; hands the
/// projection the node sessions that changed, to store in the same transaction; publishes rebirth requests;
/// and gives the broker connection its STATE birth, death (the will) and subscriptions.
final class SparkplugHost: Sendable {
    private let settings: SparkplugSettings
    let hostID: String
    private let now: @Sendable () -> Date
    /// The STATE birth's and will's timestamp: the same in both, as 3.0 requires.
    private let stateTimestamp: UInt64
    private let state: Mutex<State>
    private let client = Mutex<MosquittoClient?>(nil)

    private struct State {
        var sessions: SparkplugSessions
        /// Nodes whose session changed since the projection last stored them.
        var changed: Set<SparkplugNodeID> = []
        /// Rebirth requests not yet published (no connection).
        var unsent: Set<SparkplugNodeID> = []
        var counts = SparkplugStatus.Counts()
    }

    init(settings: SparkplugSettings, plantID: String, limits: MachineSignal.Limits, now: @escaping @Sendable () -> Date) {
        self.settings = settings
        hostID = settings.hostID(plantID: plantID)
        self.now = now
        stateTimestamp = SparkplugDecoding.milliseconds(now())
        let rules = SparkplugSessions.Rules(mapping: settings.mapping, keepUnmapped: settings.keepUnmapped, limits: limits)
        state = Mutex(State(sessions: SparkplugSessions(rules: rules)))
    }

    /// Takes the sessions the store kept (births, aliases, counters), before anything is projected.
    func restore(_ nodes: [SparkplugNodeID: SparkplugNodeSession]) {
        state.withLock { $0.sessions = SparkplugSessions(nodes: nodes, rules: $0.sessions.rules) }
    }

    /// Subscriptions, STATE birth and will for the broker connection (3.0: subscribe, then publish the birth;
    /// both STATE messages retained with QoS 1).
    func configure(_ options: inout MosquittoClient.Options, qos: Int32) {
        let topic = SparkplugTopic.state(hostID: hostID)
        options.subscriptions += settings.groups.map { (SparkplugTopic.subscription(group: $0), qos) }
        options.subscriptions.append((topic, 1))
        options.will = MQTTOutgoing(topic: topic, payload: SparkplugDecoding.state(online: false, timestamp: stateTimestamp), qos: 1, retain: true)
        options.onConnect = [birth]
        // The same death as the will, said by the agent itself on a clean stop.
        options.beforeDisconnect = [options.will!]
    }

    private var birth: MQTTOutgoing {
        MQTTOutgoing(
            topic: SparkplugTopic.state(hostID: hostID), payload: SparkplugDecoding.state(online: true, timestamp: stateTimestamp),
            qos: 1, retain: true)
    }

    /// The client rebirth requests go through, once it exists.
    func attach(_ client: MosquittoClient?) {
        self.client.withLock { $0 = client }
    }

    /// On every connect (libmosquitto's thread): sends the rebirth requests that waited for a connection and
    /// asks every known node to rebirth. Messages may have been missed while the agent was away or the
    /// connection lost (Sparkplug data are QoS 0, which no broker queues), and machines' time is unknown from
    /// then until they report again: edge nodes report by exception, the births carry every current value.
    func connected() {
        let nodes = state.withLock { state in
            if settings.rebirthOnConnect {
                for node in state.sessions.rebirthAll(at: now()) {
                    state.unsent.insert(node)
                    state.changed.insert(node)
                    state.counts.rebirthsRequested += 1
                }
            }
            defer { state.unsent = [] }
            return state.unsent
        }
        for node in nodes.sorted() { requestRebirth(node) }
    }

    /// Reads one Sparkplug message of the inbox (on the projection's thread, in inbox order).
    func read(topic: String, payload: [UInt8], payloadBytes: Int, receivedAt: Date, limits: MachineSignal.Limits) -> Result<[MachineSignal], MachineSignalError> {
        if topic.hasPrefix(SparkplugTopic.namespace + "/STATE/") { return stateHeard(topic: topic, payload: payload) }
        let parsed: (SparkplugTopic, SparkplugPayload)
        do throws(MachineSignalError) {
            let address = try SparkplugTopic.parse(topic)
            if payloadBytes > payload.count {
                try MachineSignal.checkSize(payloadBytes, limits: limits)
                throw MachineSignalError("payload of \(payloadBytes) bytes exceeds the limit it arrived under")
            }
            parsed = (address, try SparkplugDecoding.payload(payload))
        } catch {
            state.withLock {
                $0.counts.messages += 1
                $0.counts.deadLetters += 1
            }
            return .failure(error)
        }
        let outcome = state.withLock { state in
            let outcome = state.sessions.receive(parsed.0, parsed.1, receivedAt: receivedAt)
            state.counts.messages += 1
            state.counts.unmappedMetrics += outcome.unmapped
            if outcome.gap { state.counts.sequenceGaps += 1 }
            if outcome.rebirth { state.counts.rebirthsRequested += 1 }
            if outcome.deadLetter != nil { state.counts.deadLetters += 1 }
            if !outcome.ignored { state.changed.insert(parsed.0.node) }
            return outcome
        }
        if outcome.rebirth { requestRebirth(parsed.0.node) }
        if let reason = outcome.deadLetter { return .failure(MachineSignalError(reason)) }
        return .success(outcome.signals)
    }

    /// Our own STATE topic saying we are offline while we are connected (an old will, say): 3.0 wants the
    /// birth again at once. Other hosts' STATE messages are none of our business.
    private func stateHeard(topic: String, payload: [UInt8]) -> Result<[MachineSignal], MachineSignalError> {
        if topic == SparkplugTopic.state(hostID: hostID), case .object(let members)? = try? JSONValue.parse(String(decoding: payload, as: UTF8.self)),
           members["online"] == .bool(false) {
            _ = client.withLock { $0?.publish(birth) }
        }
        return .success([])
    }

    private func requestRebirth(_ node: SparkplugNodeID) {
        let request = MQTTOutgoing(topic: node.commandTopic, payload: SparkplugDecoding.rebirthRequest(at: now()), qos: 0, retain: false)
        let sent = client.withLock { $0?.publish(request) ?? false }
        if !sent { state.withLock { _ = $0.unsent.insert(node) } }
    }

    /// The sessions changed since the last call, for the projection to store in its transaction.
    func changes() -> [SparkplugNodeID: SparkplugNodeSession] {
        state.withLock { state in
            defer { state.changed = [] }
            return Dictionary(uniqueKeysWithValues: state.changed.compactMap { node in state.sessions.nodes[node].map { (node, $0) } })
        }
    }

    /// Remembers the sessions, what changed and the counts as they are now, and returns what puts them back
    /// (the projection's transaction failed: its messages will be read again). Rebirth requests not yet sent
    /// stay as they are.
    func checkpoint() -> @Sendable () -> Void {
        let saved = state.withLock { $0 }
        return { [self] in
            state.withLock { current in
                let unsent = current.unsent
                current = saved
                current.unsent = unsent
            }
        }
    }

    /// What `/v1/status` shows (`mqtt.sparkplug`).
    var status: SparkplugStatus {
        state.withLock { SparkplugStatus(hostID: hostID, groups: settings.groups, counts: $0.counts, nodes: $0.sessions.nodes) }
    }
}
