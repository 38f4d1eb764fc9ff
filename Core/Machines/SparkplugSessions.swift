import Foundation

/// The Sparkplug B host application's rules for every edge node it hears (specification 3.0): births define
/// metrics, datatypes and aliases; data uses them; deaths matched by `bdSeq` take nodes and devices offline,
/// which makes their machines' time unknown, never downtime; sequence numbers run 0-255 per node, and a gap,
/// or data from a node or device not born, asks for a rebirth. What the metrics say becomes machine facts as
/// the mapping says (`SparkplugSessions+Facts.swift`). Pure: the agent decodes, stores and publishes.
public struct SparkplugSessions: Sendable, Equatable {
    /// What the rules need besides the sessions.
    public struct Rules: Sendable {
        public var mapping: SparkplugMapping
        /// Keep the last value of unmapped metrics in the session (else only count them).
        public var keepUnmapped: Bool
        public var limits: MachineSignal.Limits
        /// How long an unanswered rebirth request stands before another one is sent.
        public var rebirthRetry: TimeInterval

        public init(mapping: SparkplugMapping, keepUnmapped: Bool = false, limits: MachineSignal.Limits = .init(), rebirthRetry: TimeInterval = 10) {
            self.mapping = mapping
            self.keepUnmapped = keepUnmapped
            self.limits = limits
            self.rebirthRetry = rebirthRetry
        }
    }

    /// What one message did.
    public struct Outcome: Sendable, Equatable {
        /// Machine facts to record, in order.
        public var signals: [MachineSignal] = []
        /// The message goes to the dead letters for this reason (and none of its facts are recorded).
        public var deadLetter: String?
        /// Ask the message's edge node to rebirth (publish NCMD `Node Control/Rebirth`).
        public var rebirth = false
        /// The message's sequence number was not the one expected.
        public var gap = false
        /// Metrics that no mapping names.
        public var unmapped = 0
        /// The message changed nothing (a command, a stale death).
        public var ignored = false

        public init() {}
    }

    public private(set) var nodes: [SparkplugNodeID: SparkplugNodeSession]
    public let rules: Rules

    public init(nodes: [SparkplugNodeID: SparkplugNodeSession] = [:], rules: Rules) {
        self.nodes = nodes
        self.rules = rules
    }

    public static func == (lhs: SparkplugSessions, rhs: SparkplugSessions) -> Bool { lhs.nodes == rhs.nodes }

    /// Applies one message heard at `receivedAt` (the agent's clock).
    public mutating func receive(_ topic: SparkplugTopic, _ payload: SparkplugPayload, receivedAt: Date) -> Outcome {
        // Taken out while it changes, so that its dictionaries are not copied on write for every message.
        let known = nodes.removeValue(forKey: topic.node)
        var session = known ?? SparkplugNodeSession()
        var outcome = Outcome()
        do throws(MachineSignalError) {
            try apply(topic, payload, receivedAt: receivedAt, to: &session, outcome: &outcome)
        } catch {
            outcome.signals = error.implied
            outcome.deadLetter = error.reason
        }
        // A command or a stale death from a node never heard leaves no session behind.
        if known != nil || !outcome.ignored { nodes[topic.node] = session }
        return outcome
    }

    /// Asks every known node to rebirth (the agent may have missed messages while it was stopped).
    public mutating func rebirthAll(at now: Date) -> [SparkplugNodeID] {
        var asked: [SparkplugNodeID] = []
        for node in nodes.keys.sorted() where Self.requestRebirth(&nodes[node]!, at: now, retry: 0) {
            asked.append(node)
        }
        return asked
    }

    private func apply(
        _ topic: SparkplugTopic, _ payload: SparkplugPayload, receivedAt: Date, to session: inout SparkplugNodeSession,
        outcome: inout Outcome
    ) throws(MachineSignalError) {
        let sent = payload.timestamp.map(Self.date) ?? receivedAt
        switch topic.type {
        case .nodeCommand, .deviceCommand:
            outcome.ignored = true
        case .nodeDeath:
            // The will the broker publishes was made at connect time: its timestamp is not the death's.
            guard let bdSeq = payload.bdSeq else { throw MachineSignalError("NDEATH without a bdSeq metric") }
            guard session.online, bdSeq == session.bdSeq else {
                outcome.ignored = true
                return
            }
            outcome.signals = offline(topic.node, &session, at: receivedAt, includingNode: true)
        case .nodeBirth:
            guard let bdSeq = payload.bdSeq else { throw MachineSignalError("NBIRTH without a bdSeq metric") }
            guard let seq = payload.seq, seq <= 255 else { throw MachineSignalError("NBIRTH without a sequence number 0-255") }
            let bornAt = (try? time(payload.timestamp, receivedAt: receivedAt)) ?? receivedAt
            let certificate: SparkplugBirthCertificate
            do throws(MachineSignalError) {
                certificate = try SparkplugBirthCertificate(birth: payload.metrics)
            } catch {
                // A birth that cannot be read leaves the node unborn: the aliases of its last birth must not name
                // this session's metrics, and what its machines do is unknown until a birth that can be read.
                let unknown = offline(topic.node, &session, at: bornAt, includingNode: true)
                session.certificate = SparkplugBirthCertificate()
                throw MachineSignalError(error.reason, implied: unknown)
            }
            // Devices are born again after their node: until then their data asks for another rebirth. Their
            // machines' time is unknown from the node's birth unless their own births say what it was then.
            for id in session.devices.keys where session.devices[id]?.online == true {
                session.devices[id]?.online = false
                session.devices[id]?.unbornSince = bornAt
            }
            session.certificate = certificate
            session.online = true
            session.bdSeq = bdSeq
            session.seq = seq
            session.lastBirth = sent
            session.pendingRebirthSince = nil
            try facts(topic, payload, receivedAt: receivedAt, birth: true, session: &session, outcome: &outcome)
        case .nodeData, .deviceBirth, .deviceData, .deviceDeath:
            guard session.online else {
                outcome.rebirth = Self.requestRebirth(&session, at: receivedAt, retry: rules.rebirthRetry)
                throw MachineSignalError("\(topic.type.rawValue) from \(topic.node) before its NBIRTH")
            }
            try checkSequence(payload, session: &session, receivedAt: receivedAt, outcome: &outcome)
            try device(topic, payload, sent: sent, receivedAt: receivedAt, session: &session, outcome: &outcome)
        }
    }

    /// The sequence number must follow the node's last one (mod 256); a gap is counted and asks for a rebirth,
    /// and the message is still used (its aliases are known).
    private func checkSequence(
        _ payload: SparkplugPayload, session: inout SparkplugNodeSession, receivedAt: Date, outcome: inout Outcome
    ) throws(MachineSignalError) {
        guard let seq = payload.seq, seq <= 255 else { throw MachineSignalError("no sequence number 0-255") }
        if let last = session.seq, seq != (last + 1) % 256 {
            session.sequenceGaps += 1
            outcome.gap = true
            outcome.rebirth = Self.requestRebirth(&session, at: receivedAt, retry: rules.rebirthRetry)
        }
        session.seq = seq
    }

    private func device(
        _ topic: SparkplugTopic, _ payload: SparkplugPayload, sent: Date, receivedAt: Date,
        session: inout SparkplugNodeSession, outcome: inout Outcome
    ) throws(MachineSignalError) {
        guard let id = topic.device else {
            return try facts(topic, payload, receivedAt: receivedAt, birth: false, session: &session, outcome: &outcome)
        }
        var device = session.devices[id] ?? SparkplugDeviceSession()
        switch topic.type {
        case .deviceBirth:
            do throws(MachineSignalError) {
                device.certificate = try SparkplugBirthCertificate(birth: payload.metrics)
            } catch {
                // As for a node's birth: the device is unborn, its old aliases gone, its machine's time unknown.
                let at = (try? time(payload.timestamp, receivedAt: receivedAt)) ?? receivedAt
                let unknown = device.online ? offline(topic.node, id, &device, at: at) : owedUnknown(topic.node, id, &device)
                device.certificate = SparkplugBirthCertificate()
                session.devices[id] = device
                throw MachineSignalError(error.reason, implied: unknown)
            }
            let unbornSince = device.unbornSince
            let stateBefore = device.facts.lastStateAt
            device.unbornSince = nil
            device.online = true
            device.lastBirth = sent
            session.devices[id] = device
            do throws(MachineSignalError) {
                try facts(topic, payload, receivedAt: receivedAt, birth: true, session: &session, outcome: &outcome)
            } catch {
                throw MachineSignalError(error.reason, implied: owed(topic.node, id, since: unbornSince, after: stateBefore, before: nil))
            }
            // Born after its node: unknown from the node's birth to the state its own birth gives, when later.
            let first = outcome.signals.lazy.compactMap { if case .state(let change) = $0 { change.at } else { nil } }.first
            outcome.signals.insert(contentsOf: owed(topic.node, id, since: unbornSince, after: stateBefore, before: first), at: 0)
        case .deviceDeath:
            guard device.online else {
                outcome.signals = owedUnknown(topic.node, id, &device)
                session.devices[id] = device
                return
            }
            // Checked like any timestamp: a device clock far off would put the offline time anywhere.
            let at = (try? time(payload.timestamp, receivedAt: receivedAt)) ?? receivedAt
            outcome.signals = offline(topic.node, id, &device, at: at)
            session.devices[id] = device
        default:
            guard device.online else {
                outcome.rebirth = Self.requestRebirth(&session, at: receivedAt, retry: rules.rebirthRetry)
                // Not born with its node after all: its machine's time has been unknown since the node's birth.
                let unknown = owedUnknown(topic.node, id, &device)
                session.devices[id] = device
                throw MachineSignalError("DDATA from \(topic.node)/\(id) before its DBIRTH", implied: unknown)
            }
            try facts(topic, payload, receivedAt: receivedAt, birth: false, session: &session, outcome: &outcome)
        }
    }

    /// Takes the node (when `includingNode` and it is online) and its online devices offline at `at`: their
    /// machines' time is unknown from then on.
    private func offline(_ node: SparkplugNodeID, _ session: inout SparkplugNodeSession, at: Date, includingNode: Bool) -> [MachineSignal] {
        var signals: [MachineSignal] = []
        if includingNode && session.online {
            let placed = Self.placed(at, after: session.facts.lastStateAt)
            session.online = false
            session.lastDeath = placed
            signals = unknown(node, device: nil, at: placed)
        }
        for id in session.devices.keys.sorted() {
            if session.devices[id]?.online == true {
                signals += offline(node, id, &session.devices[id]!, at: at)
            } else {
                signals += owedUnknown(node, id, &session.devices[id]!)
            }
        }
        return signals
    }

    /// A device not born again after its node's birth: its machine's time has been unknown since then.
    private func owedUnknown(_ node: SparkplugNodeID, _ id: String, _ device: inout SparkplugDeviceSession) -> [MachineSignal] {
        defer { device.unbornSince = nil }
        let signals = owed(node, id, since: device.unbornSince, after: device.facts.lastStateAt, before: nil)
        if case .state(let change)? = signals.first { device.lastDeath = change.at }
        return signals
    }

    /// The unknown state owed since `since` (placed after the state at `after`), unless a state placed at
    /// `before` or earlier already says what the machine did then.
    private func owed(_ node: SparkplugNodeID, _ id: String, since: Date?, after: Date?, before: Date?) -> [MachineSignal] {
        guard let since else { return [] }
        let placed = Self.placed(since, after: after)
        if let before, before <= placed { return [] }
        return unknown(node, device: id, at: placed)
    }

    /// Takes a device offline at `at`: its machine's time is unknown from then on.
    private func offline(_ node: SparkplugNodeID, _ id: String, _ device: inout SparkplugDeviceSession, at: Date) -> [MachineSignal] {
        let placed = Self.placed(at, after: device.facts.lastStateAt)
        device.online = false
        device.lastDeath = placed
        return unknown(node, device: id, at: placed)
    }

    /// The mapped machine's time becomes unknown from `at`.
    private func unknown(_ node: SparkplugNodeID, device: String?, at: Date) -> [MachineSignal] {
        guard let machine = rules.mapping.machine(node: node, device: device), machine.state != nil else { return [] }
        return [.state(MachineStateChanged(line: machine.line, machine: machine.machine, state: .unknown, reason: nil, at: at))]
    }

    /// `at`, or just after the latest of `earlier` when it is not already after them. Facts of one machine are
    /// placed in the order they were heard: a death the agent timed by its own clock, or a state stamped in the
    /// same millisecond as the one before, must not land before or on what came first (one microsecond is the
    /// resolution facts are stored at).
    static func placed(_ at: Date, after earlier: Date?...) -> Date {
        earlier.reduce(at) { latest, other in other.map { max(latest, $0.addingTimeInterval(0.000_001)) } ?? latest }
    }

    /// Whether to send a rebirth request now: not while one sent less than `retry` seconds ago is unanswered.
    static func requestRebirth(_ session: inout SparkplugNodeSession, at now: Date, retry: TimeInterval) -> Bool {
        if let pending = session.pendingRebirthSince, now.timeIntervalSince(pending) < retry, now >= pending { return false }
        session.pendingRebirthSince = now
        session.rebirthsRequested += 1
        return true
    }

    /// Milliseconds since the Unix epoch as a date.
    static func date(_ milliseconds: UInt64) -> Date {
        Date(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
