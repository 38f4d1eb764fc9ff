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
                limit: 10, reading: { _, _, _, _ in .success([]) }, changes: { [session] in [node: session] })
            #expect(done.entries == 1 && done.recorded == 0 && done.deadLetters == 0)
            #expect(try await store.sparkplugNodes() == [node: session])
        }
    }
}
