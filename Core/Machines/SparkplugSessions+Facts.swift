import Foundation

extension SparkplugSessions {
    /// A metric of a message, its name and datatype found in the birth certificate.
    struct Resolved {
        var name: String
        var type: SparkplugDataType
        var metric: SparkplugMetric
    }

    /// Turns the metrics of a birth or data message into machine facts, as the mapping says. Everything is
    /// checked before anything changes: a message that fails goes to the dead letters whole. One exception: a
    /// counter that jumps beyond belief is counted from its new total on, or every later message would fail too.
    func facts(
        _ topic: SparkplugTopic, _ payload: SparkplugPayload, receivedAt: Date, birth: Bool,
        session: inout SparkplugNodeSession, outcome: inout Outcome
    ) throws(MachineSignalError) {
        let certificate = topic.device.map { session.devices[$0]?.certificate ?? .init() } ?? session.certificate
        let metrics = try resolve(payload.metrics, certificate)
        let machine = rules.mapping.machine(node: topic.node, device: topic.device)
        var facts = topic.device.map { session.devices[$0]?.facts ?? .init() } ?? session.facts
        var states: [Date: (state: String?, reason: String?, hasReason: Bool)] = [:]
        // Historical values (`is_historical`: what an edge node buffered while it could not publish) are history, not
        // the machine's present: they are placed at their times and change neither the current state nor a counter's
        // running total. The live total after them (a birth's, say) counts what the machine made meanwhile, once.
        var history: [Date: (state: String?, reason: String?)] = [:]
        var counts: [Date: (good: Int64, scrap: Int64)] = [:]
        for resolved in metrics where !resolved.metric.isNull {
            guard let value = resolved.metric.value else { continue }
            let at = try time(resolved.metric.timestamp ?? payload.timestamp, receivedAt: receivedAt)
            let name = resolved.name
            let historical = resolved.metric.isHistorical
            if let machine, name == machine.state?.metric {
                guard let text = resolved.type.text(value), machine.state?.values[text] != nil else {
                    throw MachineSignalError("state metric \"\(name)\" has the value \(resolved.type.text(value) ?? value.field), which the mapping's value map does not name")
                }
                if historical { history[at, default: (nil, nil)].state = text } else { states[at, default: (nil, nil, false)].state = text }
            } else if let machine, name == machine.reason {
                guard let text = resolved.type.text(value), text.count <= 64 else {
                    throw MachineSignalError("reason metric \"\(name)\" must be a code of up to 64 characters")
                }
                if historical {
                    history[at, default: (nil, nil)].reason = text.isEmpty ? nil : text
                } else {
                    states[at, default: (nil, nil, false)].reason = text.isEmpty ? nil : text
                    states[at, default: (nil, nil, false)].hasReason = true
                }
            } else if let machine, name == machine.good || name == machine.scrap {
                guard let total = resolved.type.integer(value), total >= 0 else {
                    throw MachineSignalError("counter \"\(name)\" must be a whole number of 0 or more")
                }
                guard !historical else { continue }
                let added = Self.added(total, since: facts.counters[name])
                facts.counters[name] = total
                guard added > 0 else { continue }
                guard added <= 1_000_000_000 else {
                    // Not believable as parts made, and not to be asked about again with every message: counting
                    // goes on from this total, and the message says why in the dead letters.
                    if let device = topic.device { session.devices[device]?.facts.counters[name] = total } else { session.facts.counters[name] = total }
                    throw MachineSignalError("counter \"\(name)\" went up by \(added), more than 1000000000: not counted, counting goes on from \(total)")
                }
                if name == machine.good { counts[at, default: (0, 0)].good += added } else { counts[at, default: (0, 0)].scrap += added }
            } else if !Self.isProtocolMetric(name) {
                outcome.unmapped += 1
                if rules.keepUnmapped { facts.unmapped[name] = resolved.type.text(value) ?? value.field }
            }
        }
        if let machine {
            // Live values go after the death that came before them (timed by the agent's clock) and after the
            // values placed before them (`placed(_:after:)`); history stays where its timestamps put it.
            let death = topic.device.map { Self.latest(session.lastDeath, session.devices[$0]?.lastDeath) } ?? session.lastDeath
            for (at, past) in history.sorted(by: { $0.key < $1.key }) {
                // A historical reason alone has no state of its own to go with.
                guard let state = past.state.flatMap({ machine.state?.values[$0] }) else { continue }
                outcome.signals.append(.state(MachineStateChanged(
                    line: machine.line, machine: machine.machine, state: state, reason: state == .down ? past.reason : nil, at: at)))
            }
            for (at, change) in states.sorted(by: { $0.key < $1.key }) {
                if let state = change.state { facts.state = state }
                if change.hasReason { facts.reason = change.reason }
                guard let current = facts.state.flatMap({ machine.state?.values[$0] }) else { continue }
                // A new reason alone matters only while the machine is down.
                guard change.state != nil || current == .down else { continue }
                let placed = Self.placed(at, after: death, facts.lastStateAt)
                facts.lastStateAt = placed
                outcome.signals.append(.state(MachineStateChanged(
                    line: machine.line, machine: machine.machine, state: current, reason: current == .down ? facts.reason : nil, at: placed)))
            }
            for (at, count) in counts.sorted(by: { $0.key < $1.key }) {
                let placed = Self.placed(at, after: facts.lastCountAt)
                facts.lastCountAt = placed
                outcome.signals.append(.count(MachineCountReported(
                    line: machine.line, machine: machine.machine, good: count.good, scrap: count.scrap, at: placed)))
            }
        }
        if let device = topic.device { session.devices[device]?.facts = facts } else { session.facts = facts }
    }

    /// What a counter added since its last running total: the difference, or after a reset (a total lower than
    /// the last) the new total, counted from zero. The first total ever heard only sets where counting starts.
    public static func added(_ total: Int64, since last: Int64?) -> Int64 {
        guard let last else { return 0 }
        return total >= last ? total - last : total
    }

    /// The later of two times, either of which may be unknown.
    static func latest(_ one: Date?, _ other: Date?) -> Date? {
        guard let one, let other else { return one ?? other }
        return max(one, other)
    }

    /// Metrics of the protocol itself, never counted as unmapped.
    static func isProtocolMetric(_ name: String) -> Bool {
        name == "bdSeq" || name.hasPrefix("Node Control/") || name.hasPrefix("Device Control/") || name.hasPrefix("Properties/")
    }

    /// Finds each metric's name (by its alias when it has none) and birth datatype, and checks its value's
    /// field against that datatype.
    func resolve(_ metrics: [SparkplugMetric], _ certificate: SparkplugBirthCertificate) throws(MachineSignalError) -> [Resolved] {
        var resolved: [Resolved] = []
        resolved.reserveCapacity(metrics.count)
        for metric in metrics {
            let name: String
            if let given = metric.name {
                name = given
            } else if let alias = metric.alias {
                guard let known = certificate.aliases[alias] else { throw MachineSignalError("alias \(alias) is not in the birth certificate") }
                name = known
            } else {
                throw MachineSignalError("a metric has neither a name nor an alias")
            }
            let called = metric.alias.map { "\"\(name)\" (alias \($0))" } ?? "\"\(name)\""
            guard let number = certificate.datatypes[name], let type = SparkplugDataType(rawValue: number) else {
                throw MachineSignalError("metric \(called) is not in the birth certificate")
            }
            if let given = metric.datatype, given != number {
                throw MachineSignalError("metric \(called) says datatype \(given), its birth \(type.name) (\(number))")
            }
            if !metric.isNull, let value = metric.value, !type.accepts(value) {
                throw MachineSignalError("metric \(called) is \(type.name) at birth but carries \(value.field) \(type.text(value).map { "= \($0) " } ?? "")(out of the type's field or range)")
            }
            resolved.append(Resolved(name: name, type: type, metric: metric))
        }
        return resolved
    }

    /// A metric's or payload's time, checked against the limits like a JSON message's `ts`.
    func time(_ milliseconds: UInt64?, receivedAt: Date) throws(MachineSignalError) -> Date {
        guard let milliseconds else { return receivedAt }
        guard milliseconds < 253_402_300_800_000 else { throw MachineSignalError("timestamp \(milliseconds) is in the future") }
        let at = Self.date(milliseconds)
        guard at.timeIntervalSince(receivedAt) <= rules.limits.maxFuture else {
            throw MachineSignalError("timestamp \(Timestamp.format(at)) is in the future")
        }
        guard receivedAt.timeIntervalSince(at) <= rules.limits.maxAge else {
            throw MachineSignalError("timestamp \(Timestamp.format(at)) is too old")
        }
        return at
    }
}
