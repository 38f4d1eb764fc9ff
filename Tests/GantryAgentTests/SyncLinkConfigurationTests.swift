import Foundation
@testable import GantryAgent
import GantryCore
import Testing

/// The `sync.*` keys that fit sync to a bad link, and how the client tells a hub that cannot read gzip.
@Suite struct SyncLinkConfigurationTests {
    let required = ["GANTRY_AGENT_PLANT_ID": "ACME-BER", "GANTRY_AGENT_HUB_URL": "http://hub:8480", "GANTRY_AGENT_HUB_TOKEN": "t"]

    func load(_ extra: [String: String]) throws -> AgentConfiguration {
        try AgentConfiguration.load(path: nil, environment: required.merging(extra) { $1 })
    }

    @Test func defaultsCompressAdaptAndGiveUpAStall() throws {
        let configuration = try load([:])
        #expect(configuration.compressSync)
        #expect(configuration.minimumBatchEvents == 10 && configuration.batchEvents == 500)
        #expect(configuration.syncTimeouts == SyncStateMachine.Timeouts(
            connect: .seconds(10), request: .seconds(30), lowSpeedBytesPerSecond: 1, lowSpeedTime: .seconds(15)))
    }

    @Test func theKeysAreRead() throws {
        let configuration = try load([
            "GANTRY_AGENT_SYNC_COMPRESS": "none", "GANTRY_AGENT_SYNC_MIN_BATCH_EVENTS": "4", "GANTRY_AGENT_SYNC_BATCH_EVENTS": "40",
            "GANTRY_AGENT_SYNC_CONNECT_TIMEOUT": "2s", "GANTRY_AGENT_SYNC_REQUEST_TIMEOUT": "20s",
            "GANTRY_AGENT_SYNC_LOW_SPEED_BYTES": "100", "GANTRY_AGENT_SYNC_LOW_SPEED_TIME": "5s",
        ])
        #expect(!configuration.compressSync && configuration.minimumBatchEvents == 4)
        #expect(configuration.syncTimeouts == SyncStateMachine.Timeouts(
            connect: .seconds(2), request: .seconds(20), lowSpeedBytesPerSecond: 100, lowSpeedTime: .seconds(5)))
    }

    @Test func aShortRequestTimeoutShortensTheDefaultsUnderIt() throws {
        let configuration = try load(["GANTRY_AGENT_SYNC_REQUEST_TIMEOUT": "3s", "GANTRY_AGENT_SYNC_BATCH_EVENTS": "5"])
        #expect(configuration.syncTimeouts.connect == .seconds(3) && configuration.syncTimeouts.lowSpeedTime == .seconds(3))
        #expect(configuration.minimumBatchEvents == 5, "the floor is never above batch_events")
    }

    /// (the keys, the key the refusal names)
    @Test(arguments: [
        (["GANTRY_AGENT_SYNC_CONNECT_TIMEOUT": "40s"], "sync.connect_timeout"),
        (["GANTRY_AGENT_SYNC_LOW_SPEED_TIME": "500ms"], "sync.low_speed_time"),
        (["GANTRY_AGENT_SYNC_LOW_SPEED_BYTES": "-1"], "sync.low_speed_bytes"),
        (["GANTRY_AGENT_SYNC_MIN_BATCH_EVENTS": "501"], "sync.min_batch_events"),
        (["GANTRY_AGENT_SYNC_MIN_BATCH_EVENTS": "0"], "sync.min_batch_events"),
        (["GANTRY_AGENT_SYNC_COMPRESS": "zstd"], "sync.compress"),
    ])
    func inconsistentKeysAreRefusedByName(_ keys: [String: String], _ key: String) {
        #expect { try load(keys) } throws: { ($0 as? ConfigurationError)?.key == key }
    }

    /// (status, body, whether the answer says the hub cannot read gzip)
    @Test(arguments: [
        (415, #"{"type":"urn:gantry:problem:unsupported-content-encoding","title":"t","status":415,"detail":"d"}"#, true),
        (415, "", true),
        (400, #"{"type":"urn:gantry:problem:malformed-body","title":"t","status":400,"detail":"Unexpected character"}"#, true),
        (400, #"{"type":"urn:gantry:problem:malformed-body","title":"t","status":400,"detail":"the body is sent as gzip but does not inflate: x"}"#, false),
        (400, #"{"type":"urn:gantry:problem:invalid-request","title":"t","status":400,"detail":"d"}"#, false),
        (413, #"{"type":"urn:gantry:problem:batch-too-large","title":"t","status":413,"detail":"d"}"#, false),
        (200, #"{"plant":"ACME-BER","acknowledgedThrough":3,"applied":3}"#, false),
    ])
    func anOlderHubIsToldByItsAnswerToGzip(status: Int, body: String, refuses: Bool) {
        #expect(HubSyncClient.refusesGzip(status: status, body: Data(body.utf8)) == refuses)
    }
}
