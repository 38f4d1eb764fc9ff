import Foundation
import GantryAgent
import GantryCore
import Testing

/// Maintenance requests opened from real machine signals, completed through the local API.
@Suite(.serialized) struct MaintenanceTests {
    @Test func requestsOpenByThresholdFailureReasonAndCounterPlan() async throws {
        try await withMachineAgent(
            reasons: "MOTOR,availability,yes,Motor failure\nWAIT,performance,no,Waiting for material\n",
            configure: {
                $0.maintenanceDownThreshold = .seconds(2)
                $0.maintenanceCheckInterval = .milliseconds(100)
            }
        ) { hub, broker, agent in
            let plan = try await HTTP.request("POST", "\(agent)/v1/maintenance/plans", json: """
                {"line":"L1","machine":"PRESS","everyGoodParts":100,"description":"Change the die"}
                """)
            #expect(plan.status == 201, "\(plan.text)")
            let now = Date()
            try await broker.publish("gantry/ACME-BER/L1/PRESS/state", [#"{"state":"down","reason":"MOTOR","ts":"\#(Timestamp.format(now))"}"#])
            try await broker.publish("gantry/ACME-BER/L1/SAW/state", [#"{"state":"down","reason":"WAIT","ts":"\#(Timestamp.format(now))"}"#])
            try await broker.publish("gantry/ACME-BER/L1/DRILL/state", [#"{"state":"running","ts":"\#(Timestamp.format(now))"}"#])
            try await broker.publish("gantry/ACME-BER/L1/PRESS/count", (0..<4).map { #"{"good":30,"ts":"\#(Timestamp.format(now + Double($0) * 0.001))"}"# })

            func requests() async throws -> [[String: Any]] {
                try await HTTP.request("GET", "\(agent)/v1/maintenance/requests?status=open").json()["requests"] as? [[String: Any]] ?? []
            }
            // The press's failure and counter open requests at once; the saw's stop waits for the threshold (on a busy
            // machine the threshold may pass before this looks, so the press is looked at alone).
            func press() async throws -> [[String: Any]] { try await requests().filter { $0["machine"] as? String == "PRESS" } }
            try await eventually("the failure and the counter open requests at once") { try await press().count == 2 }
            #expect(Set(try await press().compactMap { $0["trigger"] as? String }) == ["failure-reason", "counter"])
            #expect(try await requests().allSatisfy { $0["machine"] as? String != "DRILL" }, "a running machine opens nothing")
            var open: [[String: Any]]
            try await eventually("the stop waiting for material opens one past the threshold", timeout: .seconds(20)) {
                try await requests().count == 3
            }
            open = try await requests()
            let saw = try #require(open.first { $0["machine"] as? String == "SAW" })
            #expect(saw["trigger"] as? String == "down-threshold" && saw["kind"] as? String == "corrective")
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await requests().count == 3, "no second request while one is open")

            let id = try #require(saw["requestId"] as? String)
            let done = try await HTTP.request("POST", "\(agent)/v1/maintenance/requests/\(id)/complete", json: """
                {"note":"replaced the belt","parts":[{"item":"BELT-40","quantity":"1","lot":"L7"},{"item":"GREASE","quantity":"0.25"}]}
                """)
            #expect(done.status == 200, "\(done.text)")
            #expect((try done.json()["parts"] as? [[String: Any]])?.count == 2)
            let again = try await HTTP.request("POST", "\(agent)/v1/maintenance/requests/\(id)/complete", json: "{}")
            #expect(again.status == 409)
            try await Task.sleep(for: .milliseconds(500))
            #expect(try await requests().count == 2, "the completed request still covers the stop it was opened for")
            let badPart = try await HTTP.request(
                "POST", "\(agent)/v1/maintenance/requests/\(open[0]["requestId"] as! String)/complete",
                json: #"{"parts":[{"item":"X","quantity":"-2"}]}"#)
            let badPartProblem = try badPart.decode(ProblemDetails.self)
            #expect(badPart.status == 422 && badPartProblem.field == "parts[0].quantity")
            #expect(try await HTTP.request("POST", "\(agent)/v1/maintenance/requests/\(UUID())/complete", json: "{}").status == 404)
            let manual = try await HTTP.request("POST", "\(agent)/v1/maintenance/requests", json: #"{"line":"L1","machine":"DRILL","reason":"noise"}"#)
            let manualBody = try manual.json()
            #expect(manual.status == 201 && manualBody["trigger"] as? String == "manual")
            let duplicate = try await HTTP.request("POST", "\(agent)/v1/maintenance/requests", json: #"{"line":"L1","machine":"DRILL"}"#)
            #expect(duplicate.status == 409)

            let events = try await HTTP.request("GET", "\(agent)/v1/status").json()
            try await eventually("the requests reach the hub as events") {
                let report = try await hub.store.syncReport(now: Date()).first
                return report?.lastSequence == Int64(events["lastSequence"] as? Int ?? -1)
            }
            let hubEvents = try await hub.store.events(plantID: "ACME-BER", after: 0, limit: 1000)
            #expect(hubEvents.filter { $0.type == "MaintenanceRequested" }.count == 4)
            #expect(hubEvents.filter { $0.type == "MaintenanceCompleted" }.count == 1)
            #expect(hubEvents.filter { $0.type == "MaintenancePlanDefined" }.count == 1)
        }
    }
}
