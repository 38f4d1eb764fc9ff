import Foundation
import GantryCore
import Testing

/// The Sparkplug B host rules without a broker or protobuf: topics, datatypes, the mapping, births, aliases,
/// sequence numbers, deaths, counters and the dead-letter reasons.
@Suite struct SparkplugSessionsTests {
    static let node = SparkplugNodeID(group: "Plant1", edgeNode: "Edge1")
    static let t0: UInt64 = 1_764_979_200_000  // 2025-12-06T00:00:00Z
    static let received = Date(timeIntervalSince1970: Double(t0) / 1000 + 3600)

    static let mapping = try! SparkplugMapping(machines: [
        .init(group: "Plant1", node: "Edge1", device: "Press7", line: "L1", machine: "M7",
              state: .init(metric: "State", values: ["1": .running, "2": .idle, "3": .down, "4": .setup]),
              reason: "Reason", good: "Good", scrap: "Scrap"),
    ])

    static func sessions(keepUnmapped: Bool = false) -> SparkplugSessions {
        SparkplugSessions(rules: .init(mapping: mapping, keepUnmapped: keepUnmapped))
    }

    static func topic(_ type: SparkplugTopic.MessageType, device: String? = nil) -> SparkplugTopic {
        SparkplugTopic(node: node, type: type, device: type.isDevice ? (device ?? "Press7") : nil)
    }

    static func nbirth(bdSeq: UInt64 = 0, seq: UInt64 = 0) -> SparkplugPayload {
        SparkplugPayload(timestamp: t0, seq: seq, metrics: [
            SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(bdSeq)),
            SparkplugMetric(name: "Node Control/Rebirth", datatype: 11, value: .boolean(false)),
        ])
    }

    static func dbirth(seq: UInt64, state: UInt32 = 1, good: UInt64 = 100, scrap: UInt32 = 5, at: UInt64 = t0) -> SparkplugPayload {
        SparkplugPayload(timestamp: at, seq: seq, metrics: [
            SparkplugMetric(name: "State", alias: 1, datatype: 3, value: .int(state)),
            SparkplugMetric(name: "Reason", alias: 2, datatype: 12, value: .string("")),
            SparkplugMetric(name: "Good", alias: 3, datatype: 8, value: .long(good)),
            SparkplugMetric(name: "Scrap", alias: 4, datatype: 7, value: .int(scrap)),
            SparkplugMetric(name: "Temperature", alias: 5, datatype: 10, value: .double(21.5)),
        ])
    }

    static func ddata(seq: UInt64, at: UInt64, _ metrics: [(alias: UInt64, value: SparkplugValue)]) -> SparkplugPayload {
        SparkplugPayload(timestamp: at, seq: seq, metrics: metrics.map { SparkplugMetric(alias: $0.alias, value: $0.value) })
    }

    static func date(_ milliseconds: UInt64) -> Date { Date(timeIntervalSince1970: Double(milliseconds) / 1000) }

    /// A node and its device born: seq 0 and 1.
    static func born() -> SparkplugSessions {
        var sessions = sessions()
        _ = sessions.receive(topic(.nodeBirth), nbirth(), receivedAt: received)
        _ = sessions.receive(topic(.deviceBirth), dbirth(seq: 1), receivedAt: received)
        return sessions
    }

    @Test(arguments: [
        ("spBv1.0/Plant1/NBIRTH/Edge1", "NBIRTH", nil),
        ("spBv1.0/Plant1/DDATA/Edge1/Press7", "DDATA", "Press7"),
        ("spBv1.0/Plant1/NCMD/Edge1", "NCMD", nil),
    ] as [(String, String, String?)])
    func topicsAreRead(_ text: String, _ type: String, _ device: String?) throws {
        let topic = try SparkplugTopic.parse(text)
        #expect(topic.type.rawValue == type)
        #expect(topic.node == Self.node)
        #expect(topic.device == device)
        #expect(topic.text == text)
    }

    @Test(arguments: [
        ("spBv1.0/Plant1/NBIRTH", "topic is not spBv1.0/{group}/{type}/{edge node}[/{device}]"),
        ("spBv1.0/Plant1/XDATA/Edge1", "unknown Sparkplug message type \"XDATA\""),
        ("spBv1.0/Plant1/DDATA/Edge1", "a DDATA topic has 5 levels, this one 4"),
        ("spBv1.0/Plant1/NDATA/Edge1/Press7", "a NDATA topic has 4 levels, this one 5"),
        ("spBv1.0//NDATA/Edge1", "Sparkplug ids must be non-empty UTF-8 without '/', '+' or '#'"),
    ])
    func badTopicsAreRefused(_ text: String, _ reason: String) {
        #expect(throws: MachineSignalError(reason)) { try SparkplugTopic.parse(text) }
    }

    @Test(arguments: [
        (SparkplugDataType.int8, SparkplugValue.int(UInt32(bitPattern: -128)), true),
        (.int8, .int(128), false),
        (.uint8, .int(255), true),
        (.uint8, .int(256), false),
        (.int16, .int(UInt32(bitPattern: -32769)), false),
        (.int32, .int(UInt32.max), true),
        (.int64, .long(1), true),
        (.int64, .int(1), false),
        (.boolean, .boolean(true), true),
        (.boolean, .int(1), false),
        (.string, .string("x"), true),
        (.double, .float(1), false),
        (.int32Array, .bytes(count: 8), true),
        (.string, .bytes(count: 8), false),
    ])
    func datatypesTakeTheirFieldOnly(_ type: SparkplugDataType, _ value: SparkplugValue, _ accepted: Bool) {
        #expect(type.accepts(value) == accepted)
    }

    @Test func signedIntegersAreTwosComplement() {
        #expect(SparkplugDataType.int16.integer(.int(UInt32(bitPattern: -2))) == -2)
        #expect(SparkplugDataType.int64.integer(.long(UInt64(bitPattern: -3))) == -3)
        #expect(SparkplugDataType.uint32.text(.int(4_000_000_000)) == "4000000000")
        #expect(SparkplugDataType.boolean.text(.boolean(true)) == "true")
    }

    @Test func aBirthSetsTheStateAndTheCountersBaseline() {
        var sessions = Self.sessions()
        let node = sessions.receive(Self.topic(.nodeBirth), Self.nbirth(bdSeq: 4), receivedAt: Self.received)
        #expect(node == SparkplugSessions.Outcome())
        let device = sessions.receive(Self.topic(.deviceBirth), Self.dbirth(seq: 1), receivedAt: Self.received)
        #expect(device.signals == [.state(MachineStateChanged(line: "L1", machine: "M7", state: .running, reason: nil, at: Self.date(Self.t0)))])
        #expect(device.unmapped == 1, "Temperature")
        let session = sessions.nodes[Self.node]!
        #expect(session.online && session.bdSeq == 4 && session.seq == 1)
        #expect(session.devices["Press7"]?.facts.counters == ["Good": 100, "Scrap": 5])
        #expect(session.devices["Press7"]?.certificate.aliases[3] == "Good")
    }

    @Test func dataByAliasBecomesStatesAndCountedParts() {
        var sessions = Self.born()
        let at = Self.t0 + 60_000
        let outcome = sessions.receive(
            Self.topic(.deviceData),
            Self.ddata(seq: 2, at: at, [(2, .string("JAM")), (1, .int(3)), (3, .long(112)), (4, .int(6))]), receivedAt: Self.received)
        #expect(outcome.deadLetter == nil)
        #expect(outcome.signals == [
            .state(MachineStateChanged(line: "L1", machine: "M7", state: .down, reason: "JAM", at: Self.date(at))),
            .count(MachineCountReported(line: "L1", machine: "M7", good: 12, scrap: 1, at: Self.date(at))),
        ])
        // The reason alone changes a stop's reason; while running it changes nothing.
        let reason = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 3, at: at + 1_000, [(2, .string("WAIT"))]), receivedAt: Self.received)
        #expect(reason.signals == [.state(MachineStateChanged(line: "L1", machine: "M7", state: .down, reason: "WAIT", at: Self.date(at + 1_000)))])
        _ = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 4, at: at + 2_000, [(1, .int(1))]), receivedAt: Self.received)
        let quiet = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 5, at: at + 3_000, [(2, .string("X"))]), receivedAt: Self.received)
        #expect(quiet.signals.isEmpty)
    }

    @Test(arguments: [
        (Int64?.none, Int64(40), Int64(0)),  // the first total only sets the baseline
        (100, 112, 12),
        (100, 100, 0),
        (100, 7, 7),  // reset: counted from zero
        (100, 0, 0),
    ])
    func countersCountWhatTheyAdded(_ last: Int64?, _ total: Int64, _ added: Int64) {
        #expect(SparkplugSessions.added(total, since: last) == added)
    }

    @Test func aCounterResetCountsFromZero() {
        var sessions = Self.born()
        let outcome = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 2, at: Self.t0 + 1_000, [(3, .long(3))]), receivedAt: Self.received)
        #expect(outcome.signals == [.count(MachineCountReported(line: "L1", machine: "M7", good: 3, scrap: 0, at: Self.date(Self.t0 + 1_000)))])
    }

    @Test func aSequenceGapIsCountedAsksForARebirthAndTheDataIsUsed() {
        var sessions = Self.born()
        let outcome = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 5, at: Self.t0 + 1_000, [(3, .long(101))]), receivedAt: Self.received)
        #expect(outcome.gap && outcome.rebirth)
        #expect(outcome.signals.count == 1)
        // Another gap while the request is unanswered does not ask again; an NBIRTH answers it.
        let again = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 9, at: Self.t0 + 2_000, [(3, .long(102))]), receivedAt: Self.received)
        #expect(again.gap && !again.rebirth)
        #expect(sessions.nodes[Self.node]?.sequenceGaps == 2)
        #expect(sessions.nodes[Self.node]?.rebirthsRequested == 1)
        _ = sessions.receive(Self.topic(.nodeBirth), Self.nbirth(bdSeq: 1), receivedAt: Self.received)
        #expect(sessions.nodes[Self.node]?.pendingRebirthSince == nil)
        #expect(sessions.nodes[Self.node]?.devices["Press7"]?.online == false, "devices are born again after their node")
    }

    @Test func theSequenceWrapsAt255() {
        var sessions = Self.sessions()
        _ = sessions.receive(Self.topic(.nodeBirth), Self.nbirth(seq: 254), receivedAt: Self.received)
        let next = sessions.receive(Self.topic(.deviceBirth), Self.dbirth(seq: 255), receivedAt: Self.received)
        let wrapped = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 0, at: Self.t0, [(3, .long(100))]), receivedAt: Self.received)
        #expect(!next.gap && !wrapped.gap)
    }

    @Test func dataBeforeBirthIsADeadLetterAndAsksForARebirth() {
        var sessions = Self.sessions()
        let outcome = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 7, at: Self.t0, [(3, .long(1))]), receivedAt: Self.received)
        #expect(outcome.deadLetter == "DDATA from Plant1/Edge1 before its NBIRTH")
        #expect(outcome.rebirth)
        // Born without the device: its data asks again (the birth answered the first request).
        _ = sessions.receive(Self.topic(.nodeBirth), Self.nbirth(), receivedAt: Self.received)
        let device = sessions.receive(
            Self.topic(.deviceData), Self.ddata(seq: 1, at: Self.t0, [(3, .long(1))]), receivedAt: Self.received.addingTimeInterval(1))
        #expect(device.deadLetter == "DDATA from Plant1/Edge1/Press7 before its DBIRTH")
        #expect(device.rebirth)
    }

    @Test func aDeathMatchedByBdSeqMakesTheMachineUnknownAStaleOneIsIgnored() {
        var sessions = Self.born()
        let stale = sessions.receive(
            Self.topic(.nodeDeath), SparkplugPayload(timestamp: Self.t0, metrics: [SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(9))]),
            receivedAt: Self.received)
        #expect(stale.ignored && stale.signals.isEmpty)
        #expect(sessions.nodes[Self.node]?.online == true)
        let death = sessions.receive(
            Self.topic(.nodeDeath), SparkplugPayload(timestamp: Self.t0, metrics: [SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(0))]),
            receivedAt: Self.received)
        // At the agent's clock: the will's own timestamp is when the node connected.
        #expect(death.signals == [.state(MachineStateChanged(line: "L1", machine: "M7", state: .unknown, reason: nil, at: Self.received))])
        #expect(sessions.nodes[Self.node]?.online == false)
        #expect(sessions.nodes[Self.node]?.devices["Press7"]?.online == false)
    }

    @Test func aDeviceDeathMakesItsMachineUnknownAtItsTimestamp() {
        var sessions = Self.born()
        let death = sessions.receive(Self.topic(.deviceDeath), SparkplugPayload(timestamp: Self.t0 + 5_000, seq: 2), receivedAt: Self.received)
        #expect(death.signals == [.state(MachineStateChanged(line: "L1", machine: "M7", state: .unknown, reason: nil, at: Self.date(Self.t0 + 5_000)))])
    }

    @Test(arguments: [
        ([SparkplugMetric(alias: 1, value: .string("running"))],
         "metric \"State\" (alias 1) is Int32 at birth but carries string_value = running (out of the type's field or range)"),
        ([SparkplugMetric(alias: 42, value: .int(1))], "alias 42 is not in the birth certificate"),
        ([SparkplugMetric(name: "Pressure", value: .int(1))], "metric \"Pressure\" is not in the birth certificate"),
        ([SparkplugMetric(alias: 3, datatype: 4, value: .long(1))], "metric \"Good\" (alias 3) says datatype 4, its birth UInt64 (8)"),
        ([SparkplugMetric(alias: 1, value: .int(9))], "state metric \"State\" has the value 9, which the mapping's value map does not name"),
        ([SparkplugMetric(value: .int(9))], "a metric has neither a name nor an alias"),
        ([SparkplugMetric(alias: 4, value: .int(1)), SparkplugMetric(alias: 1, value: .boolean(true))],
         "metric \"State\" (alias 1) is Int32 at birth but carries boolean_value = true (out of the type's field or range)"),
    ])
    func contradictingMetricsMakeTheMessageADeadLetter(_ metrics: [SparkplugMetric], _ reason: String) {
        var sessions = Self.born()
        let outcome = sessions.receive(Self.topic(.deviceData), SparkplugPayload(timestamp: Self.t0, seq: 2, metrics: metrics), receivedAt: Self.received)
        #expect(outcome.deadLetter == reason)
        #expect(outcome.signals.isEmpty)
        // Nothing of it was taken: the scrap total stays where the birth left it.
        #expect(sessions.nodes[Self.node]?.devices["Press7"]?.facts.counters["Scrap"] == 5)
        #expect(sessions.nodes[Self.node]?.seq == 2, "the sequence number still counts")
    }

    @Test(arguments: [
        (SparkplugPayload(timestamp: t0, seq: 0), "NBIRTH without a bdSeq metric"),
        (SparkplugPayload(timestamp: t0, metrics: [SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(0))]),
         "NBIRTH without a sequence number 0-255"),
        (SparkplugPayload(timestamp: t0, seq: 0, metrics: [
            SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(0)), SparkplugMetric(name: "X", value: .int(1)),
        ]), "birth metric \"X\" has no known datatype"),
        (SparkplugPayload(timestamp: t0, seq: 0, metrics: [
            SparkplugMetric(name: "bdSeq", alias: 1, datatype: 8, value: .long(0)), SparkplugMetric(name: "X", alias: 1, datatype: 3),
        ]), "alias 1 is given to both \"bdSeq\" and \"X\""),
    ])
    func badBirthsAreDeadLetters(_ payload: SparkplugPayload, _ reason: String) {
        var sessions = Self.sessions()
        #expect(sessions.receive(Self.topic(.nodeBirth), payload, receivedAt: Self.received).deadLetter == reason)
    }

    @Test func historicalMetricsArePlacedByTheirOwnTimestamps() {
        var sessions = Self.born()
        let payload = SparkplugPayload(timestamp: Self.t0 + 90_000, seq: 2, metrics: [
            SparkplugMetric(alias: 1, timestamp: Self.t0 + 10_000, isHistorical: true, value: .int(2)),
            SparkplugMetric(alias: 1, timestamp: Self.t0 + 20_000, isHistorical: true, value: .int(1)),
        ])
        let outcome = sessions.receive(Self.topic(.deviceData), payload, receivedAt: Self.received)
        #expect(outcome.signals == [
            .state(MachineStateChanged(line: "L1", machine: "M7", state: .idle, reason: nil, at: Self.date(Self.t0 + 10_000))),
            .state(MachineStateChanged(line: "L1", machine: "M7", state: .running, reason: nil, at: Self.date(Self.t0 + 20_000))),
        ])
    }

    /// Store and forward: the device is born again with its current values (running, 180 good: 80 made since the
    /// last total of 100), then the edge node flushes what it buffered, flagged historical: down for a jam at +10 s,
    /// and totals of 130 and 150 on the way. The history is placed at its times, the 80 parts are counted once (at
    /// the birth), and the machine is still running afterwards: a later reason alone sends no `down`.
    @Test func historyFlushedAfterABirthIsPlacedButNeitherRecountedNorMadeCurrent() {
        var sessions = Self.born()
        _ = sessions.receive(Self.topic(.nodeBirth), Self.nbirth(bdSeq: 1, seq: 0), receivedAt: Self.received)
        let reborn = sessions.receive(Self.topic(.deviceBirth), Self.dbirth(seq: 1, good: 180, at: Self.t0 + 60_000), receivedAt: Self.received)
        #expect(reborn.signals.contains(.count(MachineCountReported(line: "L1", machine: "M7", good: 80, scrap: 0, at: Self.date(Self.t0 + 60_000)))))
        let flushed = SparkplugPayload(timestamp: Self.t0 + 61_000, seq: 2, metrics: [
            SparkplugMetric(alias: 1, timestamp: Self.t0 + 10_000, isHistorical: true, value: .int(3)),
            SparkplugMetric(alias: 2, timestamp: Self.t0 + 10_000, isHistorical: true, value: .string("JAM")),
            SparkplugMetric(alias: 3, timestamp: Self.t0 + 20_000, isHistorical: true, value: .long(130)),
            SparkplugMetric(alias: 3, timestamp: Self.t0 + 40_000, isHistorical: true, value: .long(150)),
        ])
        #expect(sessions.receive(Self.topic(.deviceData), flushed, receivedAt: Self.received).signals == [
            .state(MachineStateChanged(line: "L1", machine: "M7", state: .down, reason: "JAM", at: Self.date(Self.t0 + 10_000))),
        ])
        let later = sessions.receive(
            Self.topic(.deviceData), Self.ddata(seq: 3, at: Self.t0 + 70_000, [(2, .string("WAIT")), (3, .long(181))]), receivedAt: Self.received)
        #expect(later.signals == [.count(MachineCountReported(line: "L1", machine: "M7", good: 1, scrap: 0, at: Self.date(Self.t0 + 70_000)))])
    }

    /// A DDEATH from a device whose clock says 1970 still takes it offline, at the time it was heard.
    @Test func aDeviceDeathWithAClockFarOffIsPlacedWhenHeard() {
        var sessions = Self.born()
        let outcome = sessions.receive(Self.topic(.deviceDeath), SparkplugPayload(timestamp: 1_000, seq: 2, metrics: []), receivedAt: Self.received)
        #expect(outcome.deadLetter == nil && !outcome.signals.isEmpty)
        for case .state(let change) in outcome.signals { #expect(change.at == Self.received) }
    }

    @Test func timestampsOutsideTheLimitsAreDeadLetters() {
        var sessions = Self.born()
        let future = Self.t0 + 3_600_000 + 600_000
        let outcome = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 2, at: future, [(3, .long(101))]), receivedAt: Self.received)
        #expect(outcome.deadLetter == "timestamp 2025-12-06T01:10:00.000000Z is in the future")
    }

    @Test func unmappedMetricsAreCountedAndKeptWhenAskedTo() {
        var sessions = Self.sessions(keepUnmapped: true)
        _ = sessions.receive(Self.topic(.nodeBirth), Self.nbirth(), receivedAt: Self.received)
        let outcome = sessions.receive(Self.topic(.deviceBirth), Self.dbirth(seq: 1), receivedAt: Self.received)
        #expect(outcome.unmapped == 1)
        #expect(sessions.nodes[Self.node]?.devices["Press7"]?.facts.unmapped == ["Temperature": "21.5"])
        let other = sessions.receive(
            SparkplugTopic(node: Self.node, type: .deviceBirth, device: "Oven"), Self.dbirth(seq: 2), receivedAt: Self.received)
        #expect(other.unmapped == 5 && other.signals.isEmpty, "a device no mapping names")
    }

    @Test func aRebirthAtStartAsksEveryKnownNode() {
        var sessions = Self.born()
        #expect(sessions.rebirthAll(at: Self.received) == [Self.node])
        #expect(sessions.nodes[Self.node]?.rebirthsRequested == 1)
    }

    @Test(arguments: [
        (SparkplugMapping.Machine(group: "G", node: "N", line: "L 1", machine: "M", good: "G"),
         "machine 1 (L 1/M): line and machine must be 1 to 64 letters, digits, '-', '_' or '.'"),
        (.init(group: "G/x", node: "N", line: "L", machine: "M", good: "G"),
         "machine 1 (L/M): group, node and device must be Sparkplug ids (non-empty, no '/', '+' or '#')"),
        (.init(group: "G", node: "N", line: "L", machine: "M", reason: "R"), "machine 1 (L/M): maps none of state, good or scrap"),
        (.init(group: "G", node: "N", line: "L", machine: "M", state: .init(metric: "S", values: ["0": .unknown])),
         "machine 1 (L/M): the state's values must map to running, setup, idle, down or planned_stop"),
        (.init(group: "G", node: "N", line: "L", machine: "M", good: "C", scrap: "C"),
         "machine 1 (L/M): state, reason, good and scrap must be different, non-empty metrics"),
    ])
    func badMappingsAreRefused(_ machine: SparkplugMapping.Machine, _ reason: String) {
        #expect(throws: MachineSignalError(reason)) { try SparkplugMapping(machines: [machine]) }
    }

    @Test func aMappingFileIsRead() throws {
        let text = """
            {"machines": [{"group": "Plant1", "node": "Edge1", "device": "Press7", "line": "L1", "machine": "M7",
              "state": {"metric": "State", "values": {"1": "running", "3": "down"}}, "reason": "Reason", "good": "Good"}]}
            """
        let mapping = try SparkplugMapping.read(Data(text.utf8))
        #expect(mapping.machine(node: Self.node, device: "Press7")?.id == MachineID(line: "L1", machine: "M7"))
        #expect(mapping.machine(node: Self.node, device: nil) == nil)
        #expect(throws: MachineSignalError.self) {
            try SparkplugMapping.read(Data(#"{"machines": [{"group": "G"}]}"#.utf8))
        }
        let twice = #"{"machines": [{"group":"G","node":"N","line":"L","machine":"A","good":"g"},{"group":"G","node":"N","line":"L","machine":"B","good":"g"}]}"#
        #expect(throws: MachineSignalError("machine 2 (L/B): G/N is mapped to two machines")) { try SparkplugMapping.read(Data(twice.utf8)) }
    }

    static func state(_ state: MachineState, at: Date) -> MachineSignal {
        .state(MachineStateChanged(line: "L1", machine: "M7", state: state, reason: nil, at: at))
    }

    /// Two messages stamped in the same millisecond both count: the second is placed a microsecond after the
    /// first, never on it (where it would repeat or contradict it and be lost).
    @Test func messagesOfTheSameMillisecondAreAllCountedInOrder() {
        var sessions = Self.born()
        let at = Self.t0 + 60_000
        let first = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 2, at: at, [(1, .int(2)), (3, .long(101))]), receivedAt: Self.received)
        let second = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 3, at: at, [(1, .int(1)), (3, .long(102))]), receivedAt: Self.received)
        #expect(first.signals == [
            Self.state(.idle, at: Self.date(at)), .count(MachineCountReported(line: "L1", machine: "M7", good: 1, scrap: 0, at: Self.date(at))),
        ])
        let after = Self.date(at).addingTimeInterval(0.000_001)
        #expect(second.signals == [
            Self.state(.running, at: after), .count(MachineCountReported(line: "L1", machine: "M7", good: 1, scrap: 0, at: after)),
        ])
    }

    /// A death timed by the agent's clock and a birth stamped by the edge node's clock a little behind it: the
    /// birth's state goes after the death, or the machine would stay unknown while it runs.
    @Test func aBirthStampedBeforeTheDeathItFollowsIsPlacedAfterIt() {
        var sessions = Self.born()
        let died = Self.date(Self.t0 + 120_000)
        let death = sessions.receive(
            Self.topic(.nodeDeath), SparkplugPayload(metrics: [SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(0))]), receivedAt: died)
        #expect(death.signals == [Self.state(.unknown, at: died)])
        _ = sessions.receive(Self.topic(.nodeBirth), Self.nbirth(bdSeq: 1, seq: 0), receivedAt: died)
        // Stamped 50 ms before the agent heard the death.
        let birth = sessions.receive(Self.topic(.deviceBirth), Self.dbirth(seq: 1, at: Self.t0 + 119_950), receivedAt: died)
        #expect(birth.signals == [Self.state(.running, at: died.addingTimeInterval(0.000_001))])
        // And a death heard before the last state's own stamp goes after that state.
        let early = Self.date(Self.t0 + 100_000)
        let second = sessions.receive(
            Self.topic(.nodeDeath), SparkplugPayload(metrics: [SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(1))]), receivedAt: early)
        #expect(second.signals == [Self.state(.unknown, at: died.addingTimeInterval(0.000_001).addingTimeInterval(0.000_001))])
    }

    /// A node's rebirth leaves its devices unborn until their own births. A device birth stamped with the node's
    /// says what its machine did from then; one stamped later leaves the time between unknown; a device never
    /// born again is unknown from the node's birth, found out at the node's death or the device's next message.
    @Test func aNodeRebirthMakesItsDevicesUnknownUntilTheirBirths() {
        let rebirth = Self.t0 + 300_000
        let nodeBirth = SparkplugPayload(timestamp: rebirth, seq: 0, metrics: Self.nbirth(bdSeq: 0).metrics)
        var sameTime = Self.born()
        #expect(sameTime.receive(Self.topic(.nodeBirth), nodeBirth, receivedAt: Self.received).signals.isEmpty)
        #expect(sameTime.nodes[Self.node]?.devices["Press7"]?.online == false)
        let device = sameTime.receive(Self.topic(.deviceBirth), Self.dbirth(seq: 1, state: 2, good: 130, at: rebirth), receivedAt: Self.received)
        #expect(device.signals.first == Self.state(.idle, at: Self.date(rebirth)))

        var later = Self.born()
        _ = later.receive(Self.topic(.nodeBirth), nodeBirth, receivedAt: Self.received)
        let late = later.receive(Self.topic(.deviceBirth), Self.dbirth(seq: 1, state: 2, good: 130, at: rebirth + 5_000), receivedAt: Self.received)
        #expect(Array(late.signals.prefix(2)) == [Self.state(.unknown, at: Self.date(rebirth)), Self.state(.idle, at: Self.date(rebirth + 5_000))])

        var never = Self.born()
        _ = never.receive(Self.topic(.nodeBirth), nodeBirth, receivedAt: Self.received)
        let death = never.receive(
            Self.topic(.nodeDeath), SparkplugPayload(metrics: [SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(0))]),
            receivedAt: Self.date(rebirth + 60_000))
        #expect(death.signals == [Self.state(.unknown, at: Self.date(rebirth))])

        var data = Self.born()
        _ = data.receive(Self.topic(.nodeBirth), nodeBirth, receivedAt: Self.received)
        let early = data.receive(Self.topic(.deviceData), Self.ddata(seq: 1, at: rebirth + 1_000, [(3, .long(131))]), receivedAt: Self.received)
        #expect(early.deadLetter == "DDATA from Plant1/Edge1/Press7 before its DBIRTH" && early.rebirth)
        #expect(early.signals == [Self.state(.unknown, at: Self.date(rebirth))])
    }

    /// A counter that jumps by more than can be believed is a dead letter, and counting goes on from its new
    /// total: the next message counts what it added, rather than failing again.
    @Test func aCounterJumpBeyondBeliefIsADeadLetterOnce() {
        var sessions = Self.born()
        let jump = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 2, at: Self.t0 + 1_000, [(3, .long(2_000_000_100))]), receivedAt: Self.received)
        #expect(jump.deadLetter == "counter \"Good\" went up by 2000000000, more than 1000000000: not counted, counting goes on from 2000000100")
        #expect(jump.signals.isEmpty)
        let next = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 3, at: Self.t0 + 2_000, [(3, .long(2_000_000_104))]), receivedAt: Self.received)
        #expect(next.deadLetter == nil)
        #expect(next.signals == [.count(MachineCountReported(line: "L1", machine: "M7", good: 4, scrap: 0, at: Self.date(Self.t0 + 2_000)))])
    }

    /// A birth that cannot be read is a dead letter that still takes the node and its devices offline: their
    /// machines' time is unknown, and the aliases of the last birth no longer name anything.
    @Test func aBirthThatCannotBeReadLeavesTheNodeUnbornAndItsMachinesUnknown() {
        var sessions = Self.born()
        let at = Self.t0 + 400_000
        let bad = SparkplugPayload(timestamp: at, seq: 0, metrics: [
            SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(1)), SparkplugMetric(name: "bdSeq", datatype: 8, value: .long(1)),
        ])
        let outcome = sessions.receive(Self.topic(.nodeBirth), bad, receivedAt: Self.received)
        #expect(outcome.deadLetter == "birth metric \"bdSeq\" is defined twice")
        #expect(outcome.signals == [Self.state(.unknown, at: Self.date(at))])
        let session = sessions.nodes[Self.node]!
        #expect(!session.online && session.certificate == SparkplugBirthCertificate())
        #expect(session.devices["Press7"]?.online == false)
        // Data by the old aliases is data before birth.
        let data = sessions.receive(Self.topic(.deviceData), Self.ddata(seq: 1, at: at + 1, [(3, .long(120))]), receivedAt: Self.received)
        #expect(data.deadLetter == "DDATA from Plant1/Edge1 before its NBIRTH" && data.rebirth)

        // The same for a device's birth.
        var device = Self.born()
        let badDevice = SparkplugPayload(timestamp: at, seq: 2, metrics: [SparkplugMetric(name: "State", datatype: 99, value: .int(1))])
        let refused = device.receive(Self.topic(.deviceBirth), badDevice, receivedAt: Self.received)
        #expect(refused.deadLetter == "birth metric \"State\" has no known datatype")
        #expect(refused.signals == [Self.state(.unknown, at: Self.date(at))])
        #expect(device.nodes[Self.node]?.devices["Press7"]?.certificate == SparkplugBirthCertificate())
    }
}
