import Foundation
import GantryAgent
import GantryCore
import GantryTestSupport
import Testing

/// A hub that refuses the plant's token or events raises an alarm in `/v1/status`, not just a `lastError`
/// beside `reachable: true`.
@Suite struct HubRefusalAlarmTests {
    func status(_ agent: String) async throws -> (alarms: [String], hub: [String: Any]) {
        let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
        return (status["alarms"] as? [String] ?? [], status["hub"] as? [String: Any] ?? [:])
    }

    func scan(_ agent: String, _ lot: String) async throws {
        let answer = try await HTTP.request(
            "POST", "\(agent)/v1/scans", json: #"{"data":"]C10109506000134352\u001d10\#(lot)","device":"dock-1"}"#)
        #expect(answer.status == 201, "\(answer.text)")
    }

    @Test func aTokenTheHubRefusesRaisesAnAlarmNamingThe401() async throws {
        try await withHub { hub in
            _ = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: "gpt_not-the-plants-token", dir: dir) { agent in
                    try await eventually("the alarm is raised") { try await status(agent).alarms == ["hub-refused-token"] }
                    let hubLink = try await status(agent).hub
                    #expect(hubLink["alarm"] as? String == "hub-refused-token")
                    let error = try #require(hubLink["lastError"] as? String)
                    #expect(error.contains("401"), "\(error)")
                }
            }
        }
    }

    @Test func anEmptyStoreForAPlantTheHubKnowsRaisesAnAlarmNamingTheRefusal() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            // The plant's real store: three scans, all at the hub.
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir) { agent in
                    for lot in ["L1", "L2", "L3"] { try await scan(agent, lot) }
                    try await eventually("the hub has the three scans") {
                        try await hub.store.syncReport(now: Date()).first?.scans == 3
                    }
                    #expect(try await status(agent).alarms == [])
                }
            }
            // The agent started elsewhere with a new, empty store: its first event is not the hub's sequence 1.
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir) { agent in
                    try await scan(agent, "L9")
                    try await eventually("the alarm is raised") { try await status(agent).alarms == ["hub-refused-events"] }
                    let hubLink = try await status(agent).hub
                    #expect(hubLink["reachable"] as? Bool == true)
                    #expect(hubLink["alarm"] as? String == "hub-refused-events")
                    let error = try #require(hubLink["lastError"] as? String)
                    #expect(error.contains("sequence-conflict") || error.contains("not the one the hub knows"), "\(error)")
                }
            }
            #expect(try await hub.store.syncReport(now: Date()).first?.scans == 3, "the empty store's scan is not taken")
        }
    }
}
