import Foundation
import GantryTestSupport
import GantryCore
import GantryHub
import Testing

@Suite struct AgentAPITests {
    @Test func scansAreAcknowledgedThenReachTheHubOnce() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir) { agent in
                    var sequences: [Int] = []
                    for index in 0..<30 {
                        let answer = try await HTTP.request(
                            "POST", "\(agent)/v1/scans", json: #"{"data":"]C10109506000134352\u001d10LOT\#(index)","device":"dock-1"}"#)
                        #expect(answer.status == 201, "\(answer.text)")
                        sequences.append(try #require(try answer.json()["sequence"] as? Int))
                    }
                    #expect(sequences == Array(1...30))
                    try await eventually("the hub has all 30 scans") {
                        try await hub.store.syncReport(now: Date()).first?.scans == 30
                    }
                    try await eventually("the agent knows the hub has them") {
                        let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                        return status["acknowledgedSequence"] as? Int == 30
                    }
                    let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                    #expect(status["plantId"] as? String == "ACME-BER" && status["lastSequence"] as? Int == 30)
                    let hubLink = try #require(status["hub"] as? [String: Any])
                    #expect(hubLink["reachable"] as? Bool == true)
                    let backlog = try #require(status["backlog"] as? [String: Any])
                    #expect(backlog["events"] as? Int == 0 && backlog["bytes"] as? Int == 0)
                    let events = try await hub.store.events(plantID: "ACME-BER", after: 0, limit: 100)
                    let data = try events.map { try ScanRecorded.decode(type: $0.type, schemaVersion: $0.schemaVersion, payload: $0.payload).data }
                    #expect(data == (0..<30).map { "]C10109506000134352\u{1D}10LOT\($0)" }, "GS separators survive the trip")
                }
            }
        }
    }

    @Test func badScansGetProblemDocumentsAndAppendNothing() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir) { agent in
                    let cases: [(String, Int, String, String?)] = [
                        (#"{"data": "#, 400, "malformed-body", nil),
                        (#"{"device":"d"}"#, 422, "invalid-request", "data"),
                        (#"{"data":5,"device":"d"}"#, 422, "invalid-request", "data"),
                        (#"{"data":"x","device":"d","clientScanId":"x"}"#, 422, "invalid-request", "clientScanId"),
                        (#"{"data":"","device":"d"}"#, 422, "invalid-scan", "data"),
                        (#"{"data":"x","device":"  "}"#, 422, "invalid-scan", "device"),
                        (#"{"data":"x","device":"d","id":"not-a-uuid"}"#, 422, "invalid-request", "id"),
                        (#"{"data":"x","device":"d","occurredAt":"2999-01-01T00:00:00Z"}"#, 422, "invalid-scan", "occurredAt"),
                        (#"{"data":"x","device":"d","occurredAt":"1999-12-31T23:59:59Z"}"#, 422, "invalid-scan", "occurredAt"),
                        (#"{"data":"x","device":"d","occurredAt":"0000-01-01T00:00:00Z"}"#, 422, "invalid-request", "occurredAt"),
                        (#"{"data":"x","device":"d","occurredAt":"300000-01-01T00:00:00Z"}"#, 422, "invalid-request", "occurredAt"),
                        ("{\"data\":\"\(String(repeating: "9", count: 5000))\",\"device\":\"d\"}", 422, "invalid-scan", "data"),
                        ("{\"data\":\"\(String(repeating: "9", count: 70_000))\",\"device\":\"d\"}", 413, "body-too-large", nil),
                    ]
                    for (body, status, code, field) in cases {
                        let answer = try await HTTP.request("POST", "\(agent)/v1/scans", json: body)
                        #expect(answer.status == status, "\(body.prefix(60)) → \(answer.text)")
                        #expect(answer.contentType == "application/problem+json")
                        let problem = try answer.decode(ProblemDetails.self)
                        #expect(problem.code == code && problem.field == field, "\(body.prefix(60)) → \(answer.text)")
                    }
                    let id = UUID().uuidString
                    #expect(try await HTTP.request("POST", "\(agent)/v1/scans", json: #"{"data":"A","device":"d","id":"\#(id)"}"#).status == 201)
                    #expect(try await HTTP.request("POST", "\(agent)/v1/scans", json: #"{"data":"A","device":"d","id":"\#(id)"}"#).status == 200)
                    let conflict = try await HTTP.request("POST", "\(agent)/v1/scans", json: #"{"data":"B","device":"d","id":"\#(id)"}"#)
                    #expect(conflict.status == 409)
                    let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                    #expect(status["lastSequence"] as? Int == 1, "only the one good scan was recorded")
                }
            }
        }
    }
}
