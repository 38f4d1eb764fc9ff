import Foundation
import GantryAgent
import GantryCore
import GantryHub
import GantryTestSupport
import Testing

/// The hub hands demand to a plant and decides requests above the plant's limit; the plant plans work orders,
/// decides within its limit offline, and answers with its events. Segregation of duties holds at both places.
@Suite struct InstructionTests {
    static let masters = """
        {"records":[
          {"kind":"company","key":"ACME","data":{"legalName":"Acme","currency":"EUR"}},
          {"kind":"supplier","company":"ACME","key":"S1","data":{"name":"Slow Motors","status":"approved"}},
          {"kind":"item","company":"ACME","key":"MOTOR","data":{"description":"Motor","uom":"EA","tracking":"lot"}},
          {"kind":"item","company":"ACME","key":"ASSY","data":{"description":"Assembly","uom":"EA","tracking":"lot"}},
          {"kind":"approval-policy","company":"ACME","key":"EXPEDITE","data":{"subject":"expedite","currency":"EUR","plantLimit":"500",
            "tiers":[{"upTo":"2000","role":"buyer"},{"role":"controller"}]}}
        ]}
        """

    @Test func demandBecomesWorkOrdersAndApprovalsAreDecidedByTheRightPersonInTheRightPlace() async throws {
        try await withHub { hub in
            _ = try await MasterService(store: hub.store).commit(try MasterChangeSet.read(Data(Self.masters.utf8)).records, by: .local(), summary: "masters")
            var hubTokens: [String: String] = [:]
            for (name, role) in [("carol", Role.controller), ("alice", .buyer), ("pat", .planner), ("dave", .auditor)] {
                hubTokens[name] = try await hub.administration.addPrincipal(name: name, kind: .user, role: role, companies: .only(["ACME"]))
            }
            let plantToken = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                let plantTokens = try writePlantUsers([("alice", .buyer), ("bob", .buyer), ("olga", .planner)], to: "\(dir)/users")
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: plantToken, dir: dir, configure: {
                    $0.mastersPollInterval = .milliseconds(100)
                    $0.usersFile = "\(dir)/users"
                    $0.demandDefaults = DemandDefaults(sourceLocation: "STORE", outputLocation: "STORE")
                }) { agent in
                    try await demand(agent: agent, hub: hub, tokens: hubTokens)
                    try await approvals(agent: agent, hub: hub, hubTokens: hubTokens, plantTokens: plantTokens)
                }
            }
        }
    }

    func demand(agent: String, hub: HubFixture, tokens: [String: String]) async throws {
        try await eventually("the masters arrive") {
            (try await HTTP.request("GET", "\(agent)/v1/masters?kind=item").json()["records"] as? [Any])?.count == 2
        }
        _ = try await HTTP.request("POST", "\(agent)/v1/locations", json: #"{"code":"STORE","type":"storage","warehouse":"W1"}"#)
        _ = try await HTTP.request("POST", "\(agent)/v1/work-centres", json: #"{"code":"BENCH","name":"Bench","calendar":{"days":[1,2,3,4,5,6,7],"shiftStart":0,"shiftEnd":1440,"timeZone":"UTC"}}"#)
        _ = try await HTTP.request("PUT", "\(agent)/v1/boms/ASSY", json: #"{"lines":[{"component":"MOTOR","quantity":"1"}]}"#)
        _ = try await HTTP.request("PUT", "\(agent)/v1/routings/ASSY", json: #"{"operations":[{"sequence":10,"workCentre":"BENCH","setupMinutes":"0","runMinutesPerUnit":"10"}]}"#)

        let path = "\(hub.url)/v1/plants/ACME-BER/demand"
        let so1 = #"{"reference":"SO-1","item":"ASSY","quantity":"4","due":"2030-05-01"}"#
        let sent = try await HTTP.request("POST", path, token: tokens["pat"], json: so1)
        #expect(sent.status == 201, "\(sent.text)")
        #expect(try await HTTP.request("POST", path, token: tokens["pat"], json: so1).status == 200, "the same demand again is answered, not repeated")
        let changed = try await HTTP.request("POST", path, token: tokens["pat"], json: #"{"reference":"SO-1","item":"ASSY","quantity":"5","due":"2030-05-01"}"#)
        #expect(changed.status == 409)
        let unknown = try await HTTP.request("POST", path, token: tokens["pat"], json: #"{"reference":"SO-9","item":"NOPE","quantity":"1","due":"2030-05-01"}"#)
        #expect(try unknown.status == 422 && unknown.json()["field"] as? String == "item")
        let badDate = try await HTTP.request("POST", path, token: tokens["pat"], json: #"{"reference":"SO-9","item":"ASSY","quantity":"1","due":"May"}"#)
        #expect(try badDate.status == 422 && badDate.json()["field"] as? String == "due")
        #expect(try await HTTP.request("POST", path, token: tokens["alice"], json: so1).status == 403, "a buyer hands out no demand")
        // No bill of materials for MOTOR at this plant: the plant says so.
        _ = try await HTTP.request("POST", path, token: tokens["pat"], json: #"{"reference":"SO-2","item":"MOTOR","quantity":"2","due":"2030-05-01"}"#)

        try await eventually("the plant plans HUB-1") {
            let order = try await HTTP.request("GET", "\(agent)/v1/work-orders/HUB-1")
            return order.status == 200
        }
        let order = try await HTTP.request("GET", "\(agent)/v1/work-orders/HUB-1").json()
        #expect(order["item"] as? String == "ASSY" && order["quantity"] as? String == "4" && order["status"] as? String == "planned")
        #expect((order["due"] as? String)?.hasPrefix("2030-05-01") == true)
        #expect(try await HTTP.request("GET", "\(agent)/v1/work-orders/HUB-2").status == 404)
        try await eventually("both answers reach the hub") {
            let listed = try await HTTP.request("GET", path, token: tokens["pat"]).json()["demand"] as? [[String: Any]] ?? []
            return listed.count == 2 && listed.allSatisfy { $0["answer"] != nil }
        }
        let listed = try await HTTP.request("GET", path, token: tokens["pat"]).json()["demand"] as? [[String: Any]] ?? []
        let first = listed[0]["answer"] as? [String: Any], second = listed[1]["answer"] as? [String: Any]
        #expect(first?["accepted"] as? Bool == true && first?["workOrder"] as? String == "HUB-1")
        #expect(second?["accepted"] as? Bool == false && (second?["reason"] as? String)?.contains("bill of materials") == true)
    }

    func approvals(agent: String, hub: HubFixture, hubTokens: [String: String], plantTokens: [String: String]) async throws {
        _ = try await HTTP.request("POST", "\(agent)/v1/purchase-orders", json: #"{"order":"PO-1","supplier":"S1","lines":[{"line":1,"item":"MOTOR","quantity":"10","due":"2030-03-01"}]}"#)
        func ask(_ amount: String, as user: String?) async throws -> HTTPAnswer {
            try await HTTP.request("POST", "\(agent)/v1/approvals", token: user.flatMap { plantTokens[$0] }, json: """
                {"subject":"expedite","purchaseOrder":"PO-1","line":1,"amount":"\(amount)","reason":"the line stops in March","neededBy":"2030-02-15"}
                """)
        }
        func decide(_ id: String, as user: String, _ verdict: String = "approved") async throws -> HTTPAnswer {
            try await HTTP.request("POST", "\(agent)/v1/approvals/\(id)/decision", token: plantTokens[user], json: #"{"verdict":"\#(verdict)"}"#)
        }
        #expect(try await ask("300", as: nil).status == 401, "who asks must say who they are")
        // Reading is for plant users too: a plant's requests are not for whoever reaches the port.
        for path in ["/v1/approvals", "/v1/approvals?state=pending", "/v1/approvals/APR-1"] {
            let anonymous = try await HTTP.request("GET", "\(agent)\(path)")
            #expect(try anonymous.status == 401 && anonymous.json()["type"] as? String == "urn:gantry:problem:unauthenticated", "\(path): \(anonymous.text)")
            #expect(try await HTTP.request("GET", "\(agent)\(path)", token: "gpu_forged").status == 401, "\(path)")
        }
        #expect(try await HTTP.request("POST", "\(agent)/v1/approvals", token: "gpu_forged", json: "{}").status == 401)

        // Within the plant's limit of 500: decided at the plant, by a buyer or controller other than the requester.
        let small = try await ask("300", as: "alice")
        #expect(small.status == 201, "\(small.text)")
        let smallRequest = try small.json()["request"] as? [String: Any]
        #expect(smallRequest?["route"] as? String == "plant" && smallRequest?["approvingRoles"] as? [String] == ["buyer", "controller"])
        let own = try await decide("APR-1", as: "alice")
        #expect(try own.status == 403 && own.json()["type"] as? String == "urn:gantry:problem:segregation-of-duties")
        let planner = try await decide("APR-1", as: "olga")
        #expect(try planner.status == 403 && planner.json()["type"] as? String == "urn:gantry:problem:role-not-permitted")
        let approved = try await decide("APR-1", as: "bob")
        #expect(try approved.status == 200 && approved.json()["state"] as? String == "approved", "\(approved.text)")
        let listed = try await HTTP.request("GET", "\(agent)/v1/approvals", token: plantTokens["olga"])
        #expect(try listed.status == 200 && (listed.json()["approvals"] as? [[String: Any]])?.count == 1, "any plant user reads: \(listed.text)")
        #expect(try await decide("APR-1", as: "bob", "rejected").status == 409, "decided once")

        // Above it: the hub decides.
        let large = try await ask("1200", as: "alice")
        #expect(try (large.json()["request"] as? [String: Any])?["route"] as? String == "hub")
        let local = try await decide("APR-2", as: "bob")
        #expect(try local.status == 409 && local.json()["type"] as? String == "urn:gantry:problem:wrong-place")
        try await eventually("the request reaches the hub") {
            let pending = try await HTTP.request("GET", "\(hub.url)/v1/approvals?state=pending", token: hubTokens["carol"]).json()["approvals"] as? [[String: Any]]
            return pending?.count == 1
        }
        let decision = "\(hub.url)/v1/approvals/ACME-BER/APR-2/decision"
        let requester = try await HTTP.request("POST", decision, token: hubTokens["alice"], json: #"{"verdict":"approved"}"#)
        #expect(try requester.status == 403 && requester.json()["type"] as? String == "urn:gantry:problem:segregation-of-duties",
                "the requester cannot approve at the hub either")
        #expect(try await HTTP.request("POST", decision, token: hubTokens["dave"], json: #"{"verdict":"approved"}"#).status == 403)
        let byController = try await HTTP.request("POST", decision, token: hubTokens["carol"], json: #"{"verdict":"approved","comment":"go"}"#)
        #expect(byController.status == 200, "\(byController.text)")
        try await eventually("the plant takes the hub's decision") {
            (try await HTTP.request("GET", "\(agent)/v1/approvals/APR-2", token: plantTokens["bob"]).json()["state"] as? String) == "approved"
        }
        let settled = try await HTTP.request("GET", "\(agent)/v1/approvals/APR-2", token: plantTokens["olga"]).json()["decision"] as? [String: Any]
        #expect(settled?["decidedBy"] as? String == "carol" && settled?["place"] as? String == "hub" && settled?["comment"] as? String == "go")
        // Approvers hear of each request and requesters of each decision, as alerts (out as signed webhooks).
        let alerts = try await HTTP.request("GET", "\(agent)/v1/alerts").json()["alerts"] as? [[String: Any]] ?? []
        #expect(alerts.compactMap { $0["kind"] as? String }.sorted()
                == ["approval-decided", "approval-decided", "approval-requested", "approval-requested"])
        #expect(alerts.contains { ($0["summary"] as? String)?.contains("APR-2 approved by carol (controller) at the hub") == true })
        let audit = try await HTTP.request("GET", "\(hub.url)/v1/audit", token: hub.adminToken).json()["entries"] as? [[String: Any]] ?? []
        #expect(audit.contains { $0["action"] as? String == "approval.approved" && $0["actor"] as? String == "user:carol" })
        #expect(audit.contains { $0["action"] as? String == "demand.sent" && $0["actor"] as? String == "user:pat" })
    }
}
