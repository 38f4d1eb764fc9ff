import Foundation
import GantryCore
@testable import GantryHub
import Testing

/// Roles, company boundaries and plant tokens on the hub's real HTTP API.
@Suite struct HubAccessTests {
    /// Company ACME with two plants' records and an account, plus company OTHER, committed as the operator.
    static func seed(_ hub: HubFixture) async throws {
        let changes = try MasterChangeSet.read(Data("""
            {"records":[
              {"kind":"company","key":"ACME","data":{"legalName":"Acme GmbH","currency":"EUR"}},
              {"kind":"company","key":"OTHER","data":{"legalName":"Other Ltd","currency":"GBP"}},
              {"kind":"account","company":"ACME","key":"1400","data":{"name":"Inventory","type":"asset"}},
              {"kind":"item","company":"ACME","key":"BOLT","data":{"description":"Bolt","uom":"EA","tracking":"lot"}},
              {"kind":"item","company":"OTHER","key":"SECRET","data":{"description":"Secret","uom":"EA","tracking":"none"}},
              {"kind":"item","key":"SHARED","data":{"description":"Shared","uom":"EA","tracking":"none"}},
              {"kind":"item","company":"ACME","key":"HAM-ONLY","plants":["ACME-HAM"],"data":{"description":"Hamburg only","uom":"EA","tracking":"none"}}
            ]}
            """.utf8))
        _ = try await MasterService(store: hub.store).commit(changes.records, by: .local(), summary: "seed")
    }

    /// One request per route that a caller with the permission can carry out successfully.
    struct Sample {
        var endpoint: HubEndpoint
        var method: String
        var path: String
        var body: String?
        var contentType = "application/json"
        /// Whether `role` may do this (nil: the route's own rule decides).
        var allowed: ((Role) -> Bool)?
    }

    func samples(for role: Role, unique: String) -> [Sample] {
        let item = #"{"data":{"description":"Bolt \#(unique)","uom":"EA","tracking":"lot"}}"#
        return [
            Sample(endpoint: .syncBatches, method: "POST", path: "/v1/sync/batches",
                   body: #"{"plant":"ACME-BER","agentHead":0,"events":[]}"#),
            Sample(endpoint: .plantMasters, method: "GET", path: "/v1/plants/ACME-BER/masters"),
            Sample(endpoint: .metrics, method: "GET", path: "/metrics"),
            Sample(endpoint: .syncReport, method: "GET", path: "/v1/reports/sync"),
            Sample(endpoint: .machineTimeReport, method: "GET",
                   path: "/v1/reports/machine-time?plant=ACME-BER&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z"),
            Sample(endpoint: .eventFeed, method: "GET", path: "/v1/events?plant=ACME-BER"),
            Sample(endpoint: .kpiReport, method: "GET", path: "/v1/kpis?plant=ACME-BER&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z"),
            Sample(endpoint: .kpiReportCSV, method: "GET", path: "/v1/kpis.csv?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&level=machine"),
            Sample(endpoint: .kpiDowntime, method: "GET",
                   path: "/v1/kpis/downtime?plant=ACME-BER&line=L1&machine=press&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z"),
            Sample(endpoint: .kpiOperations, method: "GET",
                   path: "/v1/kpis/operations?plant=ACME-BER&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z&level=plant"),
            Sample(endpoint: .stockReport, method: "GET", path: "/v1/reports/stock?item=BOLT"),
            Sample(endpoint: .lotTrace, method: "GET", path: "/v1/lots/trace?item=BOLT&lot=L1"),
            Sample(endpoint: .supplierReport, method: "GET",
                   path: "/v1/reports/suppliers?from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z&supplier=S1"),
            Sample(endpoint: .masterList, method: "GET", path: "/v1/masters?kind=item"),
            Sample(endpoint: .masterVersions, method: "GET", path: "/v1/master-versions"),
            Sample(endpoint: .masterRead, method: "GET", path: "/v1/masters/item/BOLT"),
            Sample(endpoint: .masterWrite, method: "PUT", path: "/v1/masters/item/BOLT?company=ACME", body: item),
            Sample(endpoint: .masterWrite, method: "PUT", path: "/v1/masters/company/ACME",
                   body: #"{"data":{"legalName":"Acme \#(unique)","currency":"EUR"}}"#),
            Sample(endpoint: .masterWrite, method: "PUT", path: "/v1/masters/account/1410?company=ACME",
                   body: #"{"data":{"name":"Goods \#(unique)","type":"asset","parent":"1400"}}"#),
            Sample(endpoint: .masterWrite, method: "PUT", path: "/v1/masters/approval-policy/EXPEDITE?company=ACME",
                   body: #"{"data":{"subject":"expedite","currency":"EUR","tiers":[{"upTo":"\#(unique.count + 100)","role":"buyer"},{"role":"controller"}]}}"#),
            Sample(endpoint: .masterChangeSet, method: "POST", path: "/v1/masters",
                   body: #"{"records":[{"kind":"item","company":"ACME","key":"NUT","data":{"description":"Nut \#(unique)","uom":"EA","tracking":"none"}}]}"#,
                   allowed: { $0.allows(.writeCatalogue) }),
            Sample(endpoint: .masterImport, method: "POST", path: "/v1/imports/items",
                   body: "key,company,description,uom,tracking\nWASHER,ACME,Washer \(unique),EA,none\n", contentType: "text/csv"),
            Sample(endpoint: .masterExport, method: "GET", path: "/v1/exports/items"),
            Sample(endpoint: .auditTrail, method: "GET", path: "/v1/audit"),
            Sample(endpoint: .auditVerify, method: "GET", path: "/v1/audit/verify"),
            Sample(endpoint: .principalList, method: "GET", path: "/v1/principals"),
            Sample(endpoint: .principalAdd, method: "POST", path: "/v1/principals",
                   body: #"{"name":"new-\#(unique)","role":"buyer","companies":"ACME"}"#),
            Sample(endpoint: .principalRevoke, method: "POST", path: "/v1/principals/victim-\(role.rawValue)/revoke"),
            Sample(endpoint: .principalRotate, method: "POST", path: "/v1/principals/rotated-\(role.rawValue)/rotate"),
            Sample(endpoint: .plantEnrol, method: "POST", path: "/v1/plants",
                   body: #"{"company":"ACME","code":"P\#(unique.count)\#(Role.allCases.firstIndex(of: role)!)","timeZone":"UTC"}"#),
            Sample(endpoint: .plantInstructions, method: "GET", path: "/v1/plants/ACME-BER/instructions"),
            Sample(endpoint: .demandSend, method: "POST", path: "/v1/plants/ACME-BER/demand",
                   body: #"{"reference":"SO-\#(unique)","item":"BOLT","quantity":"5","due":"2030-01-31"}"#),
            Sample(endpoint: .demandList, method: "GET", path: "/v1/plants/ACME-BER/demand"),
            Sample(endpoint: .approvalList, method: "GET", path: "/v1/approvals?state=pending"),
            Sample(endpoint: .approvalDecide, method: "POST", path: "/v1/approvals/ACME-HAM/APR-\(role.rawValue)/decision",
                   body: #"{"verdict":"approved"}"#),
        ] + shippingSamples(for: role, unique: unique) + ledgerSamples(for: role) + invoiceSamples(for: role, unique: unique)
            + statementSamples(for: role) + groupSamples(for: role)
    }

    func expectedAllowed(_ sample: Sample, _ role: Role) -> Bool {
        if let allowed = sample.allowed { return allowed(role) }
        switch sample.endpoint.access {
        case .open: return true
        case .plant(let permission), .principal(let permission): return role.allows(permission)
        case .masterWriter:
            // `/v1/masters/{kind}/…` names the kind; the CSV imports in the samples are of items.
            let kind = MasterKind(rawValue: sample.path.split(separator: "/")[safe: 2].map { String($0.split(separator: "?")[0]) } ?? "") ?? .item
            return role.allows(kind.writePermission)
        }
    }

    @Test func everyRouteRefusesEveryRoleWithoutItsPermission() async throws {
        try await withHub { hub in
            try await Self.seed(hub)
            var tokens: [Role: String] = [.plantAgent: try await hub.enrol("BER")]
            for role in Role.allCases where role != .plantAgent {
                tokens[role] = try await hub.administration.addPrincipal(name: "as-\(role.rawValue)", role: role)
                _ = try await hub.administration.addPrincipal(name: "victim-\(role.rawValue)", role: .buyer)
                _ = try await hub.administration.addPrincipal(name: "rotated-\(role.rawValue)", role: .buyer)
            }
            // A request above the plant's limit per role, for the decision samples.
            _ = try await hub.enrol("HAM")
            let requests = try Role.allCases.enumerated().map { index, role in
                let request = ApprovalRequested(
                    approval: "APR-\(role.rawValue)", subject: .expedite, purchaseOrder: "PO-1", line: 1, supplier: "S1", item: "BOLT",
                    amount: "900", currency: "EUR", policy: "EXPEDITE", tier: 0, approvingRoles: [.administrator, .buyer, .planner, .controller],
                    route: .hub, requestedBy: "someone-else", requesterRole: .buyer, reason: "late", neededBy: "2030-01-15")
                return EventEnvelope(
                    sequence: Int64(index + 1), id: UUID(), type: ApprovalRequested.eventType, schemaVersion: 1, occurredAt: Date(),
                    recordedAt: Date(), payload: try JSONValue.parse(try request.payloadJSON()))
            }
            _ = try await hub.store.applyBatch(SyncBatch(plant: "ACME-HAM", agentHead: Int64(requests.count), events: requests), receivedAt: Date())
            try await Self.seedShipping(hub, after: Int64(requests.count))
            try await Self.seedLedger(hub)
            try await Self.seedInvoices(hub)
            try await Self.seedGroup(hub)
            var covered = Set<HubEndpoint>()
            for role in Role.allCases {
                for sample in samples(for: role, unique: "\(role.rawValue)") {
                    covered.insert(sample.endpoint)
                    let answer = try await HTTP.request(
                        sample.method, hub.url + sample.path, token: tokens[role], body: sample.body.map { Data($0.utf8) },
                        contentType: sample.contentType)
                    if expectedAllowed(sample, role) {
                        #expect((200..<300).contains(answer.status), "\(role.rawValue) \(sample.method) \(sample.path): \(answer.status) \(answer.text)")
                    } else {
                        #expect(answer.status == 403, "\(role.rawValue) \(sample.method) \(sample.path): \(answer.status) \(answer.text)")
                        #expect(answer.contentType == "application/problem+json")
                    }
                }
            }
            #expect(covered == Set(HubEndpoint.allCases).subtracting([.health]), "every route has a sample")
            // Without a token every route but the health check answers 401.
            for endpoint in HubEndpoint.allCases where endpoint != .health {
                let sample = samples(for: .administrator, unique: "anonymous").first { $0.endpoint == endpoint }!
                let answer = try await HTTP.request(sample.method, hub.url + sample.path, body: sample.body.map { Data($0.utf8) })
                #expect(answer.status == 401, "\(sample.path)")
            }
            #expect(try await HTTP.request("GET", "\(hub.url)/healthz").status == 200)
            // Every successful change is in the audit trail, and the chain holds.
            #expect(try await hub.administration.verifyAudit().broken == nil)
        }
    }

    @Test func aPrincipalSeesAndChangesOnlyItsCompanies() async throws {
        try await withHub { hub in
            try await Self.seed(hub)
            _ = try await hub.enrol("BER")
            _ = try await hub.administration.enrolPlant(company: "OTHER", code: "LON", timeZone: "Europe/London")
            let controller = try await hub.administration.addPrincipal(name: "ctl", role: .controller, companies: .only(["ACME"]))
            let steward = try await hub.administration.addPrincipal(name: "stw", role: .steward, companies: .only(["ACME"]))

            let items = try await HTTP.request("GET", "\(hub.url)/v1/masters?kind=item", token: controller).decode(MasterListBody.self)
            #expect(Set(items.records.map(\.key)) == ["BOLT", "SHARED", "HAM-ONLY"])
            #expect(try await HTTP.request("GET", "\(hub.url)/v1/masters/item/SECRET", token: controller).status == 404)
            #expect(try await HTTP.request("GET", "\(hub.url)/v1/events?plant=OTHER-LON", token: controller).status == 403)
            #expect(try await HTTP.request(
                "GET", "\(hub.url)/v1/reports/machine-time?plant=OTHER-LON&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
                token: controller).status == 403)
            #expect(try await HTTP.request(
                "GET", "\(hub.url)/v1/reports/suppliers?company=OTHER&from=2026-01-01T00:00:00Z&to=2026-02-01T00:00:00Z",
                token: controller).status == 403)
            #expect(try await HTTP.request(
                "GET", "\(hub.url)/v1/kpis?plant=OTHER-LON&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z", token: controller).status == 403)
            let sync = try await HTTP.request("GET", "\(hub.url)/v1/reports/sync", token: controller).json()
            #expect((sync["plants"] as? [[String: Any]])?.compactMap { $0["plant"] as? String } == ["ACME-BER"])
            let principals = try await HTTP.request("GET", "\(hub.url)/v1/principals", token: controller)
            #expect(principals.status == 403)

            let foreign = try await HTTP.request(
                "PUT", "\(hub.url)/v1/masters/item/SECRET?company=OTHER", token: steward,
                json: #"{"data":{"description":"Mine now","uom":"EA","tracking":"none"}}"#)
            #expect(foreign.status == 403, "\(foreign.text)")
            let shared = try await HTTP.request(
                "PUT", "\(hub.url)/v1/masters/item/SHARED", token: steward,
                json: #"{"data":{"description":"Changed for all","uom":"EA","tracking":"none"}}"#)
            #expect(shared.status == 403, "a company-scoped steward cannot change what every company shares")
            let own = try await HTTP.request(
                "PUT", "\(hub.url)/v1/masters/item/BOLT?company=ACME", token: steward,
                json: #"{"data":{"description":"Bolt M8","uom":"EA","tracking":"lot"}}"#)
            #expect(own.status == 200, "\(own.text)")
            let unchanged = try await hub.store.masters(kind: .item, key: "SECRET", company: nil, scope: .all).first
            #expect(unchanged?.data == .object(["description": .string("Secret"), "uom": .string("EA"), "tracking": .string("none")]))
        }
    }

    @Test func plantTokensReadOnlyTheirOwnPlantsMasters() async throws {
        try await withHub { hub in
            try await Self.seed(hub)
            let ber = try await hub.enrol("BER")
            let ham = try await hub.enrol("HAM")
            let refused = try await HTTP.request("GET", "\(hub.url)/v1/plants/ACME-HAM/masters", token: ber)
            #expect(refused.status == 403 && refused.text.contains("ACME-BER"))

            let berChanges = try await HTTP.request("GET", "\(hub.url)/v1/plants/ACME-BER/masters", token: ber).decode(MasterChanges.self)
            #expect(Set(berChanges.records.map(\.key)) == ["ACME", "1400", "BOLT", "SHARED"], "no other company's, no other plant's")
            let hamChanges = try await HTTP.request("GET", "\(hub.url)/v1/plants/ACME-HAM/masters", token: ham).decode(MasterChanges.self)
            #expect(hamChanges.records.contains { $0.key == "HAM-ONLY" })

            // Narrowing a record's plants removes it from the plants that no longer get it.
            let narrowed = try await MasterService(store: hub.store).commit(
                [MasterDraft(kind: .item, company: "ACME", key: "BOLT", plants: ["ACME-HAM"],
                             data: .object(["description": .string("Bolt"), "uom": .string("EA"), "tracking": .string("lot")]))],
                by: .local(), summary: "narrow")
            let next = try await HTTP.request(
                "GET", "\(hub.url)/v1/plants/ACME-BER/masters?since=\(berChanges.through)", token: ber).decode(MasterChanges.self)
            #expect(next.through == narrowed.version && next.records.isEmpty)
            #expect(next.removed == [MasterChanges.Removed(kind: .item, company: "ACME", key: "BOLT")])
            let hamNext = try await HTTP.request(
                "GET", "\(hub.url)/v1/plants/ACME-HAM/masters?since=\(hamChanges.through)", token: ham).decode(MasterChanges.self)
            #expect(hamNext.records.map(\.key) == ["BOLT"] && hamNext.removed.isEmpty)
        }
    }

    @Test func aPlantAheadOfARestoredHubStartsOver() async throws {
        try await withHub { hub in
            try await Self.seed(hub)
            let ber = try await hub.enrol("BER")
            let answer = try await HTTP.request("GET", "\(hub.url)/v1/plants/ACME-BER/masters?since=99", token: ber)
                .decode(MasterChanges.self)
            #expect(answer.reset && answer.since == 99 && answer.through == 1)
            #expect(Set(answer.records.map(\.key)) == ["ACME", "1400", "BOLT", "SHARED"])
            let current = try await HTTP.request("GET", "\(hub.url)/v1/plants/ACME-BER/masters?since=1", token: ber)
                .decode(MasterChanges.self)
            #expect(!current.reset && current.records.isEmpty && current.through == 1)
        }
    }

    @Test func expiredAndRevokedTokensAreRefused() async throws {
        try await withHub { hub in
            let valid = try await hub.administration.addPrincipal(name: "short", role: .auditor, expiresAt: Date().addingTimeInterval(3600))
            #expect(try await HTTP.request("GET", "\(hub.url)/v1/audit", token: valid).status == 200)
            // Written with a past expiry behind the administration's back, which refuses one.
            try await hub.store.addPrincipal(
                PrincipalRecord(name: "lapsed", kind: .user, role: .auditor, companies: .all, createdAt: Date(timeIntervalSince1970: 0),
                                expiresAt: Date(timeIntervalSince1970: 86_400)),
                tokenHash: SecretToken.hash("gut_lapsed"), audit: .init(actor: "t", action: "t", subject: "t", company: nil, before: nil, after: nil))
            let expired = try await HTTP.request("GET", "\(hub.url)/v1/audit", token: "gut_lapsed")
            #expect(expired.status == 401 && expired.text.contains("expired"))
            await #expect(throws: IdentifierError.self) {
                _ = try await hub.administration.addPrincipal(name: "past", role: .auditor, expiresAt: Date().addingTimeInterval(-1))
            }
            let renewed = try await hub.administration.rotatePrincipalToken(name: "short", expiresAt: nil)
            #expect(try await HTTP.request("GET", "\(hub.url)/v1/audit", token: renewed).status == 200)
            try await hub.administration.revokePrincipal(name: "short")
            let revoked = try await HTTP.request("GET", "\(hub.url)/v1/audit", token: renewed)
            #expect(revoked.status == 401 && revoked.text.contains("revoked"))
            // The trail tells who did each of these, with before and after.
            let entries = try await hub.store.auditEntries(after: 0, limit: 100, scope: .all)
            let short = entries.filter { $0.subject == "principal short" }
            #expect(short.map(\.action) == ["principal.added", "principal.token-replaced", "principal.revoked"])
            #expect(short.allSatisfy { $0.actor.hasPrefix("local:") })
            #expect(entries.last?.before?.contains("\"auditor\"") == true && entries.last?.after?.contains("revokedAt") == true)
        }
    }

    @Test func aCSVImportWithBadRowsChangesNothingAndNamesTheRows() async throws {
        try await withHub { hub in
            try await Self.seed(hub)
            let head = try await hub.store.masterVersions(after: 0, limit: 100).count
            let csv = """
                key,company,description,uom,tracking,gtins
                A1,ACME,Good,EA,lot,
                A2,ACME,Bad tracking,EA,bulk,
                A3,NOPE,Unknown company,EA,lot,
                A4,ACME,Bad GTIN,EA,lot,09506000134353
                """
            let answer = try await HTTP.request(
                "POST", "\(hub.url)/v1/imports/items", token: hub.adminToken, body: Data(csv.utf8), contentType: "text/csv")
            #expect(answer.status == 422, "\(answer.text)")
            let problem = try answer.decode(ProblemDetails.self)
            #expect(problem.code == "invalid-masters")
            // Every problem at once: the unknown company of line 4 is told with the field problems of lines 3 and 5.
            #expect(problem.errors?.map { "\($0.line ?? 0) \($0.field ?? "")" } == ["3 tracking", "4 company", "5 gtins"])
            #expect(try await hub.store.masterVersions(after: 0, limit: 100).count == head)
            #expect(try await hub.store.masters(kind: .item, key: "A1", company: nil, scope: .all).isEmpty)

            // With the format problems fixed, the unknown company alone refuses the whole file at line 4.
            let second = csv.replacingOccurrences(of: "bulk", with: "lot").replacingOccurrences(of: "09506000134353", with: "09506000134352")
            let again = try await HTTP.request(
                "POST", "\(hub.url)/v1/imports/items", token: hub.adminToken, body: Data(second.utf8), contentType: "text/csv")
            #expect(again.status == 422)
            #expect(try again.decode(ProblemDetails.self).errors?.compactMap(\.line) == [4])
            #expect(try await hub.store.masters(kind: .item, key: "A1", company: nil, scope: .all).isEmpty)

            let fixed = second.replacingOccurrences(of: "NOPE", with: "ACME")
            let done = try await HTTP.request(
                "POST", "\(hub.url)/v1/imports/items", token: hub.adminToken, body: Data(fixed.utf8), contentType: "text/csv")
            #expect(done.status == 200, "\(done.text)")
            #expect(try done.decode(MasterCommit.self).changed == 4)
            let exported = try await HTTP.request("GET", "\(hub.url)/v1/exports/items?company=ACME", token: hub.adminToken)
            #expect(exported.contentType?.hasPrefix("text/csv") == true)
            #expect(["A1", "A2", "A3", "A4", "BOLT"].allSatisfy { exported.text.contains("\n\($0),") })
        }
    }

    @Test func malformedChangeSetsAreRefusedNotCrashedOn() async throws {
        try await withHub { hub in
            try await Self.seed(hub)
            let item = #"{"kind":"item","company":"ACME","key":"DUP","data":{"description":"D","uom":"EA","tracking":"none"}}"#
            let twice = try await HTTP.request("POST", "\(hub.url)/v1/masters", token: hub.adminToken, json: #"{"records":[\#(item),\#(item)]}"#)
            #expect(twice.status == 422 && twice.text.contains("twice"), "\(twice.text)")
            let huge = try await HTTP.request("POST", "\(hub.url)/v1/masters", token: hub.adminToken,
                                              json: #"{"records":[{"kind":"item","key":"X","expectedVersion":1e300,"data":{}}]}"#)
            #expect(huge.status == 422 && huge.text.contains("expectedVersion"), "\(huge.text)")
            #expect(try await HTTP.request("GET", "\(hub.url)/healthz").status == 200)
        }
    }

    @Test func aStaleIfMatchIsRefusedWithTheCurrentVersionNamed() async throws {
        try await withHub { hub in
            try await Self.seed(hub)
            let read = try await HTTP.request("GET", "\(hub.url)/v1/masters/item/BOLT", token: hub.adminToken)
            let etag = try #require(read.headers.first { $0.key.lowercased() == "etag" }?.value)
            let body = #"{"data":{"description":"Bolt v2","uom":"EA","tracking":"lot"}}"#
            let first = try await HTTP.request(
                "PUT", "\(hub.url)/v1/masters/item/BOLT?company=ACME", token: hub.adminToken, json: body, headers: ["If-Match": etag])
            #expect(first.status == 200)
            let stale = try await HTTP.request(
                "PUT", "\(hub.url)/v1/masters/item/BOLT?company=ACME", token: hub.adminToken,
                json: body.replacingOccurrences(of: "v2", with: "v3"), headers: ["If-Match": etag])
            #expect(stale.status == 409 && stale.text.contains("version-conflict"), "\(stale.text)")
        }
    }
}

extension Array {
    subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension HubAccessTests {
    /// A customer, a shipment from ACME-HAM and a transfer to it with one discrepancy per role, for the shipping samples.
    static func seedShipping(_ hub: HubFixture, after sequence: Int64) async throws {
        let customer = try MasterChangeSet.read(Data("""
            {"records":[{"kind":"customer","company":"ACME","key":"C1","data":{"name":"Customer","currency":"EUR","paymentTermsDays":30}}]}
            """.utf8))
        _ = try await MasterService(store: hub.store).commit(customer.records, by: .local(), summary: "customer")
        _ = try await hub.store.placeTransfer(TransferInstruction(
            transfer: "TR-S", fromPlant: "ACME-BER", toPlant: "ACME-HAM", fromCompany: "ACME", toCompany: "ACME", requested: "2030-01-31",
            lines: [.init(line: 1, item: "BOLT", quantity: Quantity(5))]), at: Date(), by: "local:tests", audit: AuditDraft(
                actor: "local:tests", action: "transfer.sent", subject: "transfer TR-S", company: "ACME", before: nil, after: nil))
        let shipped = ShipmentDispatched(
            shipment: "SHP-1", kind: .customerOrder, order: "CO-1", customer: "C1", toPlant: nil, company: "ACME", tradingPartner: nil,
            carrier: "UPS", trackingReference: "1Z", units: [ShippedUnit(sscc: try SSCC(companyPrefix: try GS1CompanyPrefix("4012345"),
                                                                                         serialReference: 1),
                                                                         contents: [.init(line: 1, item: "BOLT", lot: "L1", serial: nil, expiry: nil, quantity: Quantity(5))])],
            lines: [.init(line: 1, item: "BOLT", quantity: Quantity(5), price: nil)], backorders: [])
        var events = [shipped as any PlantEvent]
        for number in 1...Role.allCases.count {
            events.append(TransferDiscrepancyRecorded(
                discrepancy: "TR-S/\(number)", transfer: "TR-S", sscc: nil, kind: .short, line: 1, item: "BOLT", lot: "L1", serial: nil,
                quantity: Quantity(1), reason: "short", recordedBy: "kim", company: "ACME", tradingPartner: nil))
        }
        let envelopes = try events.enumerated().map { index, event in
            EventEnvelope(
                sequence: sequence + Int64(index) + 1, id: UUID(), type: type(of: event).eventType, schemaVersion: 1, occurredAt: Date(),
                recordedAt: Date(), payload: try JSONValue.parse(try event.payloadJSON()))
        }
        _ = try await hub.store.applyBatch(
            SyncBatch(plant: "ACME-HAM", agentHead: envelopes.last!.sequence, events: envelopes), receivedAt: Date())
    }

    func shippingSamples(for role: Role, unique: String) -> [Sample] {
        [
            Sample(endpoint: .customerOrderSend, method: "POST", path: "/v1/customer-orders",
                   body: #"{"order":"CO-\#(unique)","plant":"ACME-BER","customer":"C1","requested":"2030-01-31","lines":[{"line":1,"item":"BOLT","quantity":"5","price":"1.20"}]}"#),
            Sample(endpoint: .customerOrderList, method: "GET", path: "/v1/customer-orders"),
            Sample(endpoint: .transferSend, method: "POST", path: "/v1/transfers",
                   body: #"{"transfer":"TR-\#(unique)","fromPlant":"ACME-BER","toPlant":"ACME-HAM","requested":"2030-01-31","lines":[{"line":1,"item":"BOLT","quantity":"5"}]}"#),
            Sample(endpoint: .transferList, method: "GET", path: "/v1/transfers"),
            Sample(endpoint: .inTransitReport, method: "GET", path: "/v1/reports/in-transit"),
            Sample(endpoint: .serviceLevelReport, method: "GET", path: "/v1/reports/service-level"),
            Sample(endpoint: .shipmentTrace, method: "GET", path: "/v1/shipments/ACME-HAM/SHP-1/trace"),
            Sample(endpoint: .recall, method: "GET", path: "/v1/recalls?item=BOLT&lot=L1"),
            Sample(endpoint: .discrepancySettle, method: "POST",
                   path: "/v1/transfers/TR-S/discrepancies/\(Role.allCases.firstIndex(of: role)! + 1)/settle",
                   body: #"{"resolution":"written-off","note":"lost"}"#),
        ]
    }
}
