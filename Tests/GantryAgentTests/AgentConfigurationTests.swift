import Foundation
import GantryTestSupport
@testable import GantryAgent
import GantryCore
import Testing

@Suite struct AgentConfigurationTests {
    @Test func defaultsApplyAndTheEnvironmentOverrides() async throws {
        try await withTemporaryDirectory { dir in
            let path = "\(dir)/agent.conf"
            try "plant.id = ACME-BER\nhub.url = http://hub:8480\nsync.batch_events = 50\n".write(toFile: path, atomically: true, encoding: .utf8)
            let configuration = try AgentConfiguration.load(path: path, environment: ["GANTRY_AGENT_HUB_TOKEN": "gpt_x"])
            #expect(configuration.plantID == "ACME-BER" && configuration.hubToken == "gpt_x")
            #expect(configuration.batchEvents == 50)
            #expect(configuration.durability == .powerLoss)
            #expect(configuration.httpPort == 8080)
        }
    }

    @Test func inventoryWorkOrderAndAlertKeysAreRead() throws {
        let configuration = try AgentConfiguration.load(path: nil, environment: [
            "GANTRY_AGENT_PLANT_ID": "ACME-BER", "GANTRY_AGENT_HUB_URL": "http://hub:8480", "GANTRY_AGENT_HUB_TOKEN": "t",
            "GANTRY_AGENT_SCAN_SEPARATORS": "Alt029 |", "GANTRY_AGENT_INVENTORY_ISSUE_EXPIRED": "allow",
            "GANTRY_AGENT_WORKORDERS_OVERRIDE_ROLES": "administrator", "GANTRY_AGENT_ALERTS_WEBHOOK_URL": "https://hooks.example/x",
            "GANTRY_AGENT_ALERTS_WEBHOOK_SECRET": "k", "GANTRY_AGENT_ALERTS_CONFIRM_WITHIN": "1h",
        ])
        #expect(configuration.scanSeparators == ["Alt029", "|"] && configuration.issueExpiredLots)
        #expect(configuration.overrideRoles == ["administrator"])
        #expect(configuration.alerts.webhookURL == "https://hooks.example/x" && configuration.alerts.webhookSecret == "k")
        #expect(configuration.alerts.confirmWithin == .seconds(3600))
        #expect { try AgentConfiguration.load(path: nil, environment: [
            "GANTRY_AGENT_PLANT_ID": "ACME-BER", "GANTRY_AGENT_HUB_URL": "http://hub:8480", "GANTRY_AGENT_HUB_TOKEN": "t",
            "GANTRY_AGENT_WORKORDERS_OVERRIDE_ROLES": "planner, janitor",
        ]) } throws: { ($0 as? ConfigurationError)?.key == "workorders.override_roles" }
    }

    @Test func reorderRunsOnTheirOwnOnlyWhenAnIntervalIsSet() throws {
        let required = ["GANTRY_AGENT_PLANT_ID": "ACME-BER", "GANTRY_AGENT_HUB_URL": "http://hub:8480", "GANTRY_AGENT_HUB_TOKEN": "t"]
        #expect(try AgentConfiguration.load(path: nil, environment: required).reorderCheckInterval == nil)
        let every = required.merging(["GANTRY_AGENT_REORDER_CHECK_INTERVAL": "15m"]) { $1 }
        #expect(try AgentConfiguration.load(path: nil, environment: every).reorderCheckInterval == .seconds(900))
        let off = required.merging(["GANTRY_AGENT_REORDER_CHECK_INTERVAL": "off"]) { $1 }
        #expect(try AgentConfiguration.load(path: nil, environment: off).reorderCheckInterval == nil)
        let wrong = required.merging(["GANTRY_AGENT_REORDER_CHECK_INTERVAL": "soon"]) { $1 }
        #expect { try AgentConfiguration.load(path: nil, environment: wrong) } throws: { ($0 as? ConfigurationError)?.key == "reorder.check_interval" }
    }

    @Test func missingRequiredKeysAreNamed() {
        #expect {
            try AgentConfiguration.load(path: nil, environment: ["GANTRY_AGENT_PLANT_ID": "ACME-BER"])
        } throws: { error in
            (error as? ConfigurationError)?.key == "hub.url"
        }
    }

    @Test func aNonHTTPHubURLIsRefused() {
        #expect {
            try AgentConfiguration.load(path: nil, environment: [
                "GANTRY_AGENT_PLANT_ID": "P", "GANTRY_AGENT_HUB_URL": "hub:8480", "GANTRY_AGENT_HUB_TOKEN": "t",
            ])
        } throws: { error in
            (error as? ConfigurationError)?.key == "hub.url"
        }
    }

    @Test func anUnreadableFileIsAClearError() {
        #expect(throws: ConfigurationError.self) { try AgentConfiguration.load(path: "/nonexistent/agent.conf", environment: [:]) }
    }
}

@Suite struct HubSyncClientTests {
    func body(_ text: String) -> Data { Data(text.utf8) }

    @Test func classifiesEveryKindOfAnswer() {
        #expect(HubSyncClient.classify(status: 200, body: body(#"{"plant":"P","acknowledgedThrough":7,"applied":2}"#))
                == .acknowledged(through: 7))
        #expect(HubSyncClient.classify(status: 409, body: body(
            #"{"type":"urn:gantry:problem:sequence-gap","title":"t","status":409,"detail":"d","expectedSequence":4}"#))
                == .refused(expected: 4))
        guard case .rejected(let problem) = HubSyncClient.classify(status: 409, body: body(
            #"{"type":"urn:gantry:problem:sequence-conflict","title":"t","status":409,"detail":"d"}"#)) else {
            Issue.record("a conflict is not a rewind")
            return
        }
        #expect(problem.code == "sequence-conflict")
        guard case .rejected = HubSyncClient.classify(status: 401, body: body("nope")) else {
            Issue.record("401 is a rejection")
            return
        }
        for status in [500, 502, 503, 408, 429] {
            guard case .unavailable = HubSyncClient.classify(status: status, body: Data()) else {
                Issue.record("\(status) is worth retrying")
                return
            }
        }
        guard case .unavailable = HubSyncClient.classify(status: 200, body: body(#"{"plant":"P","acknowledgedThrough":-4,"applied":0}"#)) else {
            Issue.record("a negative acknowledgement is not the protocol")
            return
        }
        guard case .rejected = HubSyncClient.classify(status: 409, body: body(
            #"{"type":"urn:gantry:problem:sequence-gap","title":"t","status":409,"detail":"d","expectedSequence":0}"#)) else {
            Issue.record("an impossible rewind target is not followed")
            return
        }
        guard case .unavailable = HubSyncClient.classify(status: 200, body: body("<html>proxy</html>")) else {
            Issue.record("a 200 that is not an acknowledgement must not count as one")
            return
        }
    }
}

@Suite struct AgentStatusTests {
    let now = Date(timeIntervalSince1970: 1_000_000)

    func status(bytes: Int64, oldest: Date?) -> AgentStatus {
        AgentStatus(
            plantID: "ACME-BER",
            position: LogPosition(head: 10, acknowledged: 4, backlogBytes: bytes, oldestUnsyncedAt: oldest),
            hub: HubLinkStatus(), now: now, alarmBytes: 1000, alarmAge: .seconds(3600))
    }

    @Test func backlogAlarmsRaiseBySizeAndAge() {
        #expect(status(bytes: 999, oldest: now.addingTimeInterval(-3599)).alarms.isEmpty)
        #expect(status(bytes: 1000, oldest: now.addingTimeInterval(-10)).alarms == ["backlog-bytes"])
        #expect(status(bytes: 10, oldest: now.addingTimeInterval(-3600)).alarms == ["backlog-age"])
        #expect(status(bytes: 5000, oldest: now.addingTimeInterval(-86_400)).alarms == ["backlog-bytes", "backlog-age"])
    }

    @Test func backlogFiguresComeFromThePosition() {
        let status = status(bytes: 600, oldest: now.addingTimeInterval(-90))
        #expect(status.backlog.events == 6 && status.backlog.bytes == 600 && status.backlog.oldestAgeSeconds == 90)
        #expect(status.lastSequence == 10 && status.acknowledgedSequence == 4)
        #expect(self.status(bytes: 0, oldest: nil).backlog.oldestAgeSeconds == 0)
    }
}
