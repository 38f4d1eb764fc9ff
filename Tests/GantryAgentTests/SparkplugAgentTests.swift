import Foundation
import GantryCore
import GantrySparkplugB
import GantryTestSupport
@testable import GantryAgent
import GRDB
import SwiftProtobuf
import Testing

/// The agent's side of Sparkplug B without a broker: protobuf decoding with the generated code, the payloads the
/// host publishes, the `sparkplug.*` settings checked at start, and the sessions kept in the store.
@Suite struct SparkplugAgentTests {
    typealias Wire = Org_Eclipse_Tahu_Protobuf_Payload

    @Test func aProtobufPayloadIsDecodedWithEveryValueField() throws {
        var wire = Wire()
        wire.timestamp = 1_764_979_200_123
        wire.seq = 7
        func metric(_ alias: UInt64, _ set: (inout Wire.Metric) -> Void) -> Wire.Metric {
            var metric = Wire.Metric()
            metric.alias = alias
            set(&metric)
            return metric
        }
        wire.metrics = [
            metric(1) { $0.name = "State"; $0.datatype = 3; $0.intValue = UInt32(bitPattern: -1) },
            metric(2) { $0.longValue = 5; $0.timestamp = 1_764_979_200_000; $0.isHistorical = true },
            metric(3) { $0.stringValue = "JAM" },
            metric(4) { $0.booleanValue = true },
            metric(5) { $0.doubleValue = 2.5 },
            metric(6) { $0.bytesValue = Data([1, 2, 3]) },
            metric(7) { $0.isNull = true },
        ]
        let payload = try SparkplugDecoding.payload(try wire.serializedBytes())
        #expect(payload.timestamp == 1_764_979_200_123 && payload.seq == 7)
        #expect(payload.metrics.map(\.value) == [
            .int(UInt32.max), .long(5), .string("JAM"), .boolean(true), .double(2.5), .bytes(count: 3), nil,
        ])
        #expect(payload.metrics[0].name == "State" && payload.metrics[0].datatype == 3 && payload.metrics[1].name == nil)
        #expect(payload.metrics[1].isHistorical && payload.metrics[1].timestamp == 1_764_979_200_000)
        #expect(payload.metrics[6].isNull)
    }

    @Test(arguments: [[0x0A, 0xFF], [0xFF, 0xFF, 0xFF], Array("{\"state\":\"running\"}".utf8)] as [[UInt8]])
    func whatIsNotAPayloadIsRefused(_ bytes: [UInt8]) {
        #expect(throws: MachineSignalError.self) { try SparkplugDecoding.payload(bytes) }
    }

    @Test func aRebirthRequestIsTheNodeControlMetric() throws {
        let bytes = SparkplugDecoding.rebirthRequest(at: Date(timeIntervalSince1970: 1_764_979_200))
        let wire = try Wire(serializedBytes: bytes)
        #expect(wire.timestamp == 1_764_979_200_000)
        #expect(wire.metrics.count == 1 && wire.metrics[0].name == "Node Control/Rebirth")
        #expect(wire.metrics[0].datatype == 11 && wire.metrics[0].booleanValue)
        #expect(try SparkplugDecoding.payload(bytes).requestsRebirth)
        #expect(String(decoding: SparkplugDecoding.state(online: true, timestamp: 5), as: UTF8.self) == #"{"online":true,"timestamp":5}"#)
    }

    static let required = ["GANTRY_AGENT_PLANT_ID": "ACME-BER", "GANTRY_AGENT_HUB_URL": "http://hub:8480", "GANTRY_AGENT_HUB_TOKEN": "t"]

    @Test func theSettingsAreReadAndTheMappingCheckedAtStart() async throws {
        try await withTemporaryDirectory { dir in
            let mapping = "\(dir)/mapping.json"
            try #"{"machines":[{"group":"Plant1","node":"Edge1","line":"L1","machine":"M1","good":"Good"}]}"#
                .write(toFile: mapping, atomically: true, encoding: .utf8)
            let environment = Self.required.merging([
                "GANTRY_AGENT_MQTT_HOST": "127.0.0.1", "GANTRY_AGENT_SPARKPLUG_GROUPS": "Plant1, Plant2",
                "GANTRY_AGENT_SPARKPLUG_MAPPING_FILE": mapping, "GANTRY_AGENT_SPARKPLUG_UNMAPPED": "keep",
            ]) { $1 }
            let configuration = try AgentConfiguration.load(path: nil, environment: environment)
            #expect(configuration.sparkplug.groups == ["Plant1", "Plant2"] && configuration.sparkplug.keepUnmapped)
            #expect(configuration.sparkplug.hostID(plantID: "ACME-BER") == "gantry-ACME-BER" && configuration.sparkplug.rebirthOnConnect)
            #expect(configuration.sparkplug.mapping.machines.count == 1)

            try "{\"machines\": [{\"group\": \"Plant1\"}]}".write(toFile: mapping, atomically: true, encoding: .utf8)
            let refusals: [([String: String], String)] = [
                (["GANTRY_AGENT_SPARKPLUG_GROUPS": "Plant1"], "sparkplug.groups"),  // no broker
                (["GANTRY_AGENT_MQTT_HOST": "h", "GANTRY_AGENT_SPARKPLUG_GROUPS": "Plant1"], "sparkplug.mapping_file"),
                (["GANTRY_AGENT_MQTT_HOST": "h", "GANTRY_AGENT_SPARKPLUG_GROUPS": "Plant1", "GANTRY_AGENT_SPARKPLUG_MAPPING_FILE": mapping],
                 "sparkplug.mapping_file"),
                (["GANTRY_AGENT_MQTT_HOST": "h", "GANTRY_AGENT_SPARKPLUG_GROUPS": "Plant/1"], "sparkplug.groups"),
                (["GANTRY_AGENT_MQTT_HOST": "h", "GANTRY_AGENT_SPARKPLUG_GROUPS": "STATE"], "sparkplug.groups"),
                (["GANTRY_AGENT_MQTT_HOST": "h", "GANTRY_AGENT_SPARKPLUG_GROUPS": "P", "GANTRY_AGENT_SPARKPLUG_HOST_ID": "a+b"],
                 "sparkplug.host_id"),
            ]
            for (extra, key) in refusals {
                #expect { try AgentConfiguration.load(path: nil, environment: Self.required.merging(extra) { $1 }) } throws: {
                    ($0 as? ConfigurationError)?.key == key
                }
            }
        }
    }

    @Test func sessionsAreStoredWithTheProjectionAndReadBack() async throws {
        try await withTemporaryDirectory { dir in
            let store = try SQLitePlantStore(path: "\(dir)/plant.sqlite", plantID: "ACME-BER")
            var session = SparkplugNodeSession()
            session.online = true
            session.bdSeq = 3
            session.seq = 200
            session.certificate = try SparkplugBirthCertificate(birth: [SparkplugMetric(name: "bdSeq", alias: 9, datatype: 8)])
            session.devices["Press7"] = SparkplugDeviceSession()
            session.devices["Press7"]?.facts.counters["Good"] = 1040
            let node = SparkplugNodeID(group: "Plant1", edgeNode: "Edge1")
            let inbox = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
            try inbox.append(InboxEntry(
                .message(topic: "spBv1.0/Plant1/NDATA/Edge1", payload: [], payloadBytes: 0, qos: 1), receivedAt: Date()))
            let done = try await store.projectMachineInbox(
                limit: 10, reading: { _, _, _, _ in .success([]) },
                sessions: SparkplugSessionHooks(changes: { [session] in [node: session] }, checkpoint: { {} }))
            #expect(done.entries == 1 && done.recorded == 0 && done.deadLetters == 0)
            #expect(try await store.sparkplugNodes() == [node: session])
        }
    }

    /// A node with one device whose counter `Good` counts a machine's parts, read by a real host.
    private static func countingHost() throws -> SparkplugHost {
        var settings = SparkplugSettings()
        settings.groups = ["Plant1"]
        settings.mapping = try SparkplugMapping(machines: [
            SparkplugMapping.Machine(group: "Plant1", node: "Edge1", device: "Press7", line: "L1", machine: "M1", good: "Good"),
        ])
        return SparkplugHost(settings: settings, plantID: "ACME-BER", limits: MachineSignal.Limits(), now: { Date() })
    }

    private static func message(_ type: String, device: Bool, seq: UInt64, metrics: [Wire.Metric]) throws -> InboxEntry {
        var wire = Wire()
        wire.seq = seq
        wire.metrics = metrics
        let topic = "spBv1.0/Plant1/\(type)/Edge1" + (device ? "/Press7" : "")
        let bytes: [UInt8] = try wire.serializedBytes()
        return InboxEntry(.message(topic: topic, payload: bytes, payloadBytes: bytes.count, qos: 1), receivedAt: Date())
    }

    private static func good(_ total: Int64, birth: Bool = false) -> Wire.Metric {
        var metric = Wire.Metric()
        if birth { metric.name = "Good"; metric.datatype = 4 }
        metric.alias = 1
        metric.longValue = UInt64(total)
        return metric
    }

    private static func bdSeq() -> Wire.Metric {
        var metric = Wire.Metric()
        metric.name = "bdSeq"
        metric.datatype = 8
        metric.longValue = 0
        return metric
    }

    /// Projects like the MQTT ingest does, with the host's hooks.
    private static func project(_ store: SQLitePlantStore, _ host: SparkplugHost) async throws -> InboxProjection {
        try await store.projectMachineInbox(
            limit: 100, reading: { host.read(topic: $0, payload: $1, payloadBytes: $2, receivedAt: $3, limits: MachineSignal.Limits()) },
            sessions: SparkplugSessionHooks(changes: { host.changes() }, checkpoint: { host.checkpoint() }))
    }

    /// A store whose inbox has projected the node's and its device's births, the counter at `total`.
    private static func bornWithGood(_ total: Int64, in dir: String) async throws -> (SQLitePlantStore, SparkplugHost, any MachineInbox) {
        let store = try SQLitePlantStore(path: "\(dir)/plant.sqlite", plantID: "ACME-BER")
        let host = try countingHost()
        let inbox = try await store.openMachineInbox(committed: { _ in }, failed: { _, _ in })
        try inbox.append(message("NBIRTH", device: false, seq: 0, metrics: [bdSeq()]))
        try inbox.append(message("DBIRTH", device: true, seq: 1, metrics: [good(total, birth: true)]))
        #expect(try await project(store, host).entries == 2)
        return (store, host, inbox)
    }

    private static func goodParts(_ store: SQLitePlantStore) async throws -> Int64 {
        try await store.pool.read { try Int64.fetchOne($0, sql: "SELECT coalesce(sum(good), 0) FROM machine_counts") ?? 0 }
    }

    /// Makes the store refuse counts of `good` parts while the trigger stands.
    private static func refuseCounts(of good: Int, _ store: SQLitePlantStore) async throws {
        try await store.pool.write { db in
            try db.execute(sql: """
                CREATE TRIGGER refuse_counts BEFORE INSERT ON machine_counts WHEN NEW.good = \(good)
                BEGIN SELECT RAISE(ABORT, 'the disk is full'); END
                """)
        }
    }

    /// A projection whose write fails reads its messages again: against the sessions they met the first time,
    /// or the counter's total would already be taken and the parts it added never counted.
    @Test func aFailedWriteReadsItsMessagesAgainAgainstTheSameSessions() async throws {
        try await withTemporaryDirectory { dir in
            let (store, host, inbox) = try await Self.bornWithGood(100, in: dir)

            try inbox.append(Self.message("DDATA", device: true, seq: 2, metrics: [Self.good(105)]))
            try await Self.refuseCounts(of: 5, store)
            await #expect(throws: (any Error).self) { try await Self.project(store, host) }
            try await store.pool.write { try $0.execute(sql: "DROP TRIGGER refuse_counts") }
            let retried = try await Self.project(store, host)
            #expect(retried.entries == 1 && retried.recorded == 1)
            #expect(try await Self.goodParts(store) == 5)
        }
    }

    /// A batch that fails is taken one message at a time, each read again from where the one before it left
    /// the sessions: the one the store still refuses is a dead letter, and the next counts its parts too.
    @Test func aFailedBatchIsReadAgainOneMessageAtATime() async throws {
        try await withTemporaryDirectory { dir in
            let (store, host, inbox) = try await Self.bornWithGood(100, in: dir)

            try inbox.append(Self.message("DDATA", device: true, seq: 2, metrics: [Self.good(105)]))
            try inbox.append(Self.message("DDATA", device: true, seq: 3, metrics: [Self.good(112)]))
            try await Self.refuseCounts(of: 5, store)
            let done = try await Self.project(store, host)
            // 100 → 105 cannot be stored and is kept as a dead letter, its total not taken; 112 then counts from
            // 100: 12, the dead letter's 5 parts among them. Read against the sessions the failed batch left, the
            // first would look like a counter reset and count 105.
            #expect(done.entries == 2 && done.recorded == 1 && done.deadLetters == 1)
            #expect(try await Self.goodParts(store) == 12)
            // The sessions stored are those after both messages.
            let stored = try await store.sparkplugNodes()
            #expect(stored[SparkplugNodeID(group: "Plant1", edgeNode: "Edge1")]?.devices["Press7"]?.facts.counters["Good"] == 112)
        }
    }

    /// `/v1/status` shows the unmapped values kept for a node's own metrics, not only for its devices'.
    @Test func theStatusShowsTheUnmappedValuesOfNodesAndDevices() {
        var session = SparkplugNodeSession()
        session.facts.unmapped = ["Uptime": "86400"]
        session.devices["Press7"] = SparkplugDeviceSession()
        session.devices["Press7"]?.facts.unmapped = ["Temperature": "21.5"]
        let status = SparkplugStatus(
            hostID: "gantry-ACME-BER", groups: ["Plant1"], counts: .init(), nodes: [SparkplugNodeID(group: "Plant1", edgeNode: "Edge1"): session])
        #expect(status.nodes.first?.unmapped == ["Uptime": "86400"])
        #expect(status.nodes.first?.devices.first?.unmapped == ["Temperature": "21.5"])
    }
}
