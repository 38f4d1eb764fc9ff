import Foundation
import GantryCore
import GantryTestSupport
@testable import GantryHub
import Testing

/// Input the agent's and the hub's APIs must refuse, each with a problem document in plain words that names
/// the field at fault.
@Suite struct InputRefusalTests {
    @discardableResult
    func expectProblem(
        _ answer: HTTPAnswer, _ status: Int, _ code: String, field: String? = nil, sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> ProblemDetails {
        #expect(answer.status == status, "\(answer.text)", sourceLocation: sourceLocation)
        #expect(answer.contentType == "application/problem+json", "\(answer.text)", sourceLocation: sourceLocation)
        let problem = try answer.decode(ProblemDetails.self)
        #expect(problem.code == code && problem.field == field, "\(answer.text)", sourceLocation: sourceLocation)
        #expect(!answer.text.contains("CodingKeys") && !answer.text.contains("DecodingError"), sourceLocation: sourceLocation)
        return problem
    }

    // MARK: Agent

    @Test func aMisspeltScanIdIsRefusedSoRetriesStayIdempotent() async throws {
        try await withHub { hub in
            let token = try await hub.enrol("BER")
            try await withTemporaryDirectory { dir in
                try await withAgent(plantID: "ACME-BER", hubURL: hub.url, token: token, dir: dir) { agent in
                    let id = UUID().uuidString
                    let body = #"{"data":"A","device":"d","clientScanId":"\#(id)"}"#
                    for _ in 0..<2 {
                        let problem = try expectProblem(
                            try await HTTP.request("POST", "\(agent)/v1/scans", json: body), 422, "invalid-request", field: "clientScanId")
                        #expect(problem.detail.hasPrefix("unknown field clientScanId"), "\(problem.detail)")
                    }
                    let status = try await HTTP.request("GET", "\(agent)/v1/status").json()
                    #expect(status["lastSequence"] as? Int == 0, "nothing was recorded")
                    try expectProblem(
                        try await HTTP.request("POST", "\(agent)/v1/scans", json: #"{"device":"d"}"#), 422, "invalid-request", field: "data")
                }
            }
        }
    }

    @Test func bomExplosionRefusesBadQuantitiesAndItemsWithoutABOM() async throws {
        // SUB: 4 BOLT per unit with 25 % scrap; BOLT has no BOM of its own.
        try await WorkOrderTests().withFactory { agent, _ in
            for quantity in ["abc", "-5", "0", "1e3", ""] {
                try expectProblem(
                    try await HTTP.request("GET", "\(agent)/v1/boms/SUB/explosion?quantity=\(quantity)"), 400, "invalid-query", field: "quantity")
            }
            try expectProblem(try await HTTP.request("GET", "\(agent)/v1/boms/BOLT/explosion"), 404, "not-found")
            let explosion = try await HTTP.request("GET", "\(agent)/v1/boms/SUB/explosion?quantity=2.5").json()
            let requirements = try #require(explosion["requirements"] as? [[String: Any]])
            #expect(requirements.map { "\($0["component"]!) \($0["quantity"]!)" } == ["BOLT 12.5"], "2.5 × 4 × 1.25")
            // A percent-encoded path segment is decoded: SU%42 is SUB.
            let encoded = try await HTTP.request("GET", "\(agent)/v1/boms/SU%42/explosion")
            #expect(encoded.status == 200, "\(encoded.text)")
            #expect(try encoded.json()["item"] as? String == "SUB")
        }
    }

    // MARK: Hub: principals

    @Test func principalsNeedCompaniesNamedFieldsAFutureExpiryAndANameUniqueInAnyCase() async throws {
        try await withHub { hub in
            let url = "\(hub.url)/v1/principals", admin = hub.adminToken
            let missing = try expectProblem(
                try await HTTP.request("POST", url, token: admin, json: #"{"name":"buyer-1","role":"buyer"}"#),
                422, "invalid-request", field: "companies")
            #expect(missing.detail == "missing field companies")
            try expectProblem(
                try await HTTP.request("POST", url, token: admin, json: #"{"name":"buyer-1","role":"buyer","company":"ACME"}"#),
                422, "invalid-request", field: "company")
            let noRole = try expectProblem(
                try await HTTP.request("POST", url, token: admin, json: #"{"name":"buyer-1","companies":"ACME"}"#),
                422, "invalid-request", field: "role")
            #expect(noRole.detail == "missing field role")
            try expectProblem(
                try await HTTP.request("POST", url, token: admin, json: #"{"name":"buyer-1","role":"buyer","companies":"ACME","expiresAt":"2020-01-01T00:00:00Z"}"#),
                422, "invalid-request", field: "expiresAt")
            try expectProblem(
                try await HTTP.request("POST", url, token: admin, json: #"{"name":"a b","role":"buyer","companies":"ACME"}"#),
                422, "invalid-request", field: "name")
            #expect(try await hub.store.principals().map(\.name) == ["tests"], "nothing was created")
            for (body, field) in [(#"{"company":"AC-ME","code":"P1","timeZone":"UTC"}"#, "company"),
                                  (#"{"company":"ACME","code":"P 1","timeZone":"UTC"}"#, "code"),
                                  (#"{"company":"ACME","code":"P1","timeZone":"Mars/Olympus"}"#, "timeZone"),
                                  (#"{"company":"ACME","code":"P1","timezone":"UTC"}"#, "timezone")] {
                try expectProblem(try await HTTP.request("POST", "\(hub.url)/v1/plants", token: admin, json: body), 422, "invalid-request", field: field)
            }

            let created = try await HTTP.request("POST", url, token: admin, json: #"{"name":"ACME-BUYER","role":"buyer","companies":"*"}"#)
            #expect(created.status == 201, "\(created.text)")
            #expect(try await hub.store.principals().first { $0.name == "ACME-BUYER" }?.companies == .all, "every company, asked for")
            try expectProblem(
                try await HTTP.request("POST", url, token: admin, json: #"{"name":"acme-buyer","role":"buyer","companies":"ACME"}"#),
                409, "duplicate")
            await #expect(throws: HubStoreError.self) {
                try await hub.administration.addPrincipal(name: "Acme-Buyer", role: .buyer, companies: .all)
            }

            try expectProblem(
                try await HTTP.request("POST", "\(url)/ACME-BUYER/rotate", token: admin, json: #"{"expiresAt":"2020-01-01T00:00:00Z"}"#),
                422, "invalid-request", field: "expiresAt")
            await #expect(throws: IdentifierError.self) {
                try await hub.administration.rotatePrincipalToken(name: "ACME-BUYER", expiresAt: Date(timeIntervalSinceNow: -1))
            }
            #expect(try await hub.store.principals().first { $0.name == "ACME-BUYER" }?.expiresAt == nil, "the principal is not locked out")
            try expectProblem(
                try await HTTP.request("POST", "\(url)/ACME-BUYER/rotate", token: admin, json: #"{"expiresAt":"2020-01-01T00:00:00Z","x":1}"#),
                422, "invalid-request", field: "x")
        }
    }

    @Test func bodiesPastTheLimitAre413OnEveryRoute() async throws {
        try await withHub { hub in
            let big = Data(repeating: UInt8(ascii: " "), count: (1 << 20) + 1)
            for (path, contentType) in [
                ("/v1/masters", "application/json"), ("/v1/imports/items", "text/csv"), ("/v1/principals", "application/json"),
                ("/v1/plants", "application/json"), ("/v1/principals/tests/rotate", "application/json"),
                ("/v1/masters/item/BOLT", "application/json"),
            ] {
                let method = path.hasPrefix("/v1/masters/") ? "PUT" : "POST"
                let answer = try await HTTP.request(method, "\(hub.url)\(path)", token: hub.adminToken, body: big, contentType: contentType)
                try expectProblem(answer, 413, "body-too-large")
            }
        }
    }

    // MARK: Hub: masters

    @Test func masterBodiesAreStrictAndEveryProblemIsToldAtOnce() async throws {
        try await withHub { hub in
            try await HubAccessTests.seed(hub)
            let admin = hub.adminToken
            try expectProblem(
                try await HTTP.request("PUT", "\(hub.url)/v1/masters/item/BOLT?company=ACME", token: admin,
                                       json: #"{"activ":false,"data":{"description":"Bolt","uom":"EA","tracking":"lot"}}"#),
                422, "invalid-request", field: "activ")
            try expectProblem(try await HTTP.request("POST", "\(hub.url)/v1/masters", token: admin, json: #"{"records": ["#), 400, "malformed-body")
            try expectProblem(
                try await HTTP.request("POST", "\(hub.url)/v1/masters", token: admin, json: """
                    {"records":[{"kind":"item","company":"ACME","key":"BOLT","expectedVersio":1,
                                 "data":{"description":"Bolt","uom":"EA","tracking":"lot"}}]}
                    """),
                422, "invalid-request", field: "records[0].expectedVersio")
            try expectProblem(
                try await HTTP.request("POST", "\(hub.url)/v1/masters", token: admin, json: """
                    {"records":[{"kind":"item","company":"ACME","key":"BOLT","expectedVersion":"1",
                                 "data":{"description":"Overwritten","uom":"EA","tracking":"lot"}}]}
                    """),
                422, "invalid-request", field: "records[0].expectedVersion")
            try expectProblem(
                try await HTTP.request("POST", "\(hub.url)/v1/masters", token: admin, json: """
                    {"summary":{"why":"x"},"records":[{"kind":"item","company":"ACME","key":"BOLT",
                                 "data":{"description":"Overwritten","uom":"EA","tracking":"lot"}}]}
                    """),
                422, "invalid-request", field: "summary")
            let bolt = try await hub.store.masters(kind: .item, key: "BOLT", company: "ACME", scope: .all).first
            #expect(bolt?.data == (try JSONValue.parse(#"{"description":"Bolt","uom":"EA","tracking":"lot"}"#)), "nothing was overwritten")

            for key in [".", ".."] {
                let answer = try await HTTP.request("POST", "\(hub.url)/v1/masters", token: admin, json: """
                    {"records":[{"kind":"item","company":"ACME","key":"\(key)","data":{"description":"Dot","uom":"EA","tracking":"none"}}]}
                    """)
                let problem = try expectProblem(answer, 422, "invalid-masters")
                #expect(problem.errors?.map(\.field) == ["key"])
            }
            // B%4FLT is BOLT.
            let read = try await HTTP.request("GET", "\(hub.url)/v1/masters/item/B%4FLT", token: admin)
            #expect(read.status == 200, "\(read.text)")

            // A field problem in one record and an unknown reference in another: both at once.
            let both = try expectProblem(
                try await HTTP.request("POST", "\(hub.url)/v1/masters", token: admin, json: """
                    {"records":[
                      {"kind":"item","company":"ACME","key":"NUT","data":{"description":"Nut","uom":"EA","tracking":"bulk"}},
                      {"kind":"supplier-item","company":"ACME","key":"S1:GHOST","data":{"supplier":"S1","item":"GHOST","leadTimeDays":5,
                       "price":{"amount":"-1","currency":"EUR"},"rank":1}},
                      {"kind":"item","company":"NOPE","key":"X","data":{"description":"X","uom":"EA","tracking":"none"}}
                    ]}
                    """),
                422, "invalid-masters")
            #expect(Set((both.errors ?? []).map { "\($0.subject ?? "") \($0.field ?? "")" }) == [
                "item ACME/NUT data.tracking", "supplier-item ACME/S1:GHOST data.price.amount", "item NOPE/X company",
            ], "\(both.errors ?? [])")

            // Reference problems of a CSV are told with its field problems, each by line and column.
            let csv = try expectProblem(
                try await HTTP.request("POST", "\(hub.url)/v1/imports/items", token: admin,
                                       body: Data("key,company,description,uom,tracking\nA1,ACME,A,EA,bulk\nA2,NOPE,B,EA,none\nA1,ACME,A,EA,none\n".utf8),
                                       contentType: "text/csv"),
                422, "invalid-masters")
            #expect((csv.errors ?? []).map { "\($0.line ?? 0) \($0.field ?? "")" } == ["2 tracking", "3 company"], "\(csv.errors ?? [])")
            let duplicate = try expectProblem(
                try await HTTP.request("POST", "\(hub.url)/v1/imports/items", token: admin,
                                       body: Data("key,company,description,uom,tracking\nA1,ACME,A,EA,none\nA1,ACME,A,EA,none\n".utf8),
                                       contentType: "text/csv"),
                422, "invalid-masters")
            #expect((duplicate.errors ?? []).map { "\($0.line ?? 0) \($0.field ?? "")" } == ["3 key"])
        }
    }

    @Test func aChangeSetRefusedForItsRoleNamesThePermission() async throws {
        try await withHub { hub in
            try await HubAccessTests.seed(hub)
            let steward = try await hub.administration.addPrincipal(name: "steward", role: .steward, companies: .all)
            let problem = try expectProblem(
                try await HTTP.request("POST", "\(hub.url)/v1/masters", token: steward, json: """
                    {"records":[{"kind":"company","key":"NEW","data":{"legalName":"New","currency":"EUR"}}]}
                    """),
                403, "forbidden")
            #expect(problem.detail.contains("masters:write-organisation"), "\(problem.detail)")
        }
    }

    // MARK: Hub: filters

    @Test func unknownOrMalformedFiltersAreNotAnEmptyAnswer() async throws {
        try await withHub { hub in
            _ = try await hub.enrol("BER")
            let admin = hub.adminToken, window = "from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z"
            let cases: [(String, Int, String, String)] = [
                ("/v1/events?plant=ACME-NOPE", 404, "not-found", "plant"),
                ("/v1/events?plant=ACME", 400, "invalid-query", "plant"),
                ("/v1/events?plant=ACME-B%C3%9CR", 400, "invalid-query", "plant"),
                ("/v1/reports/machine-time?plant=ACME-NOPE&\(window)", 404, "not-found", "plant"),
                ("/v1/reports/machine-time?plant=nonsense&\(window)", 400, "invalid-query", "plant"),
                ("/v1/reports/stock?plant=ACME-NOPE", 404, "not-found", "plant"),
                ("/v1/reports/stock?item=..", 400, "invalid-query", "item"),
                ("/v1/lots/trace?item=a%20b", 400, "invalid-query", "item"),
                ("/v1/approvals?plant=ACME-NOPE", 404, "not-found", "plant"),
                ("/v1/reports/suppliers?company=NOPE&\(window)", 404, "not-found", "company"),
                ("/v1/reports/suppliers?company=A-B&\(window)", 400, "invalid-query", "company"),
                ("/v1/masters?company=A-B", 400, "invalid-query", "company"),
            ]
            for (path, status, code, field) in cases {
                try expectProblem(try await HTTP.request("GET", "\(hub.url)\(path)", token: admin), status, code, field: field)
            }
            for path in ["/v1/events?plant=ACME-BER", "/v1/reports/machine-time?plant=ACME-BER&\(window)",
                         "/v1/reports/suppliers?company=ACME&\(window)", "/v1/reports/stock?plant=ACME-BER&item=BOLT"] {
                let answer = try await HTTP.request("GET", "\(hub.url)\(path)", token: admin)
                #expect(answer.status == 200, "\(path) → \(answer.text)")
            }
        }
    }
}
