import Foundation
import GantryCore
import Testing

@Suite struct MasterValidationTests {
    func problems(_ kind: MasterKind, key: String = "K1", company: String? = "ACME", plants: [String] = [], _ data: String) throws -> [MasterProblem] {
        let draft = MasterDraft(kind: kind, company: company, key: key, plants: plants, data: try JSONValue.parse(data))
        switch draft.checked() {
        case .success: return []
        case .failure(let invalid): return invalid.problems
        }
    }

    @Test func aValidItemPassesWithItsCodesNormalised() throws {
        let draft = MasterDraft(kind: .item, company: "acme", key: "BOLT-M8", plants: ["acme-ber"], data: try JSONValue.parse("""
            {"description":"Bolt M8","uom":"EA","tracking":"lot","gtins":["09506000134352"],
             "conversions":[{"uom":"BOX","factor":"100"}],"standardCost":{"amount":"0.12","currency":"EUR"},"shelfLifeDays":365}
            """))
        let checked = try draft.checked().get()
        #expect(checked.draft.company == "ACME" && checked.draft.plants == ["ACME-BER"])
        #expect(checked.references.isEmpty)
    }

    @Test(arguments: [
        (#"{"description":"B","uom":"EA","tracking":"bulk"}"#, "data.tracking"),
        (#"{"description":"B","uom":"EA","tracking":"lot","gtins":["09506000134353"]}"#, "data.gtins[0]"),
        (#"{"description":"B","uom":"EA","tracking":"lot","gtins":["1234"]}"#, "data.gtins[0]"),
        (#"{"description":"B","uom":"EA","tracking":"lot","standardCost":{"amount":1.5,"currency":"EUR"}}"#, "data.standardCost.amount"),
        (#"{"description":"B","uom":"EA","tracking":"lot","standardCost":{"amount":"1.5","currency":"euro"}}"#, "data.standardCost.currency"),
        (#"{"description":"B","uom":"EA","tracking":"lot","conversions":[{"uom":"EA","factor":"2"}]}"#, "data.conversions[0].uom"),
        (#"{"description":"B","uom":"EA","tracking":"lot","conversions":[{"uom":"BOX","factor":"0"}]}"#, "data.conversions[0].factor"),
        (#"{"description":"B","uom":"EA","tracking":"lot","colour":"red"}"#, "data.colour"),
        (#"{"uom":"EA","tracking":"lot"}"#, "data.description"),
        (#"{"description":"B","uom":"EA","tracking":"lot","shelfLifeDays":1.5}"#, "data.shelfLifeDays"),
    ])
    func itemProblemsNameTheField(data: String, field: String) throws {
        #expect(try problems(.item, data).map(\.field).contains(field))
    }

    @Test func everyProblemOfARecordIsReported() throws {
        let found = try problems(.item, #"{"uom":"E A","tracking":"x","gtins":["1"]}"#)
        #expect(Set(found.map(\.field)) == ["data.description", "data.uom", "data.tracking", "data.gtins[0]"])
    }

    @Test func kindsThatBelongToOneCompanyNeedOne() throws {
        let found = try problems(.account, company: nil, #"{"name":"Inventory","type":"asset"}"#)
        #expect(found.map(\.field) == ["company"])
        #expect(try problems(.item, company: nil, #"{"description":"B","uom":"EA","tracking":"none"}"#).isEmpty)
    }

    @Test func companiesAndPlantsAreKeyedByTheirCodes() throws {
        let company = MasterDraft(kind: .company, company: nil, key: "acme", data: try JSONValue.parse(#"{"legalName":"Acme","currency":"EUR"}"#))
        #expect(try company.checked().get().draft.company == "ACME")
        let plant = MasterDraft(kind: .plant, company: "OTHER", key: "ACME-BER", data: try JSONValue.parse(#"{"name":"Berlin","timeZone":"Europe/Berlin"}"#))
        #expect(throws: MasterInvalid.self) { try plant.checked().get() }
        #expect(try problems(.plant, key: "ACME-BER", #"{"name":"Berlin","timeZone":"Mars/Olympus"}"#).map(\.field) == ["data.timeZone"])
    }

    @Test func referencesAreNamedForTheStoreToResolve() throws {
        let supplier = MasterDraft(kind: .supplierItem, company: "ACME", key: "S1:BOLT", data: try JSONValue.parse("""
            {"supplier":"S1","item":"BOLT","leadTimeDays":14,"price":{"amount":"0.10","currency":"EUR"},"rank":1}
            """))
        let references = try supplier.checked().get().references
        #expect(Set(references.map { "\($0.kind.rawValue):\($0.key)" }) == ["supplier:S1", "item:BOLT"])
        #expect(try problems(.supplierItem, key: "S1-BOLT",
                             #"{"supplier":"S1","item":"BOLT","leadTimeDays":14,"price":{"amount":"0.10","currency":"EUR"},"rank":1}"#)
            .map(\.field) == ["key"])
    }

    @Test func approvalTiersRiseAndNameApprovingRoles() throws {
        #expect(try problems(.approvalPolicy, #"""
            {"subject":"expedite","currency":"EUR","tiers":[{"upTo":"1000","role":"buyer"},{"role":"controller"}]}
            """#).isEmpty)
        let found = try problems(.approvalPolicy, #"""
            {"subject":"expedite","currency":"EUR","tiers":[{"upTo":"1000","role":"buyer"},{"upTo":"500","role":"plant-agent"},{"role":"controller"}]}
            """#)
        #expect(Set(found.map(\.field)) == ["data.tiers[1].upTo", "data.tiers[1].role"])
        #expect(try problems(.approvalPolicy, #"{"subject":"expedite","currency":"EUR","tiers":[]}"#).map(\.field) == ["data.tiers"])
    }

    @Test func decimalsAreStrictText() {
        #expect(DecimalText.parse("12.50") == Decimal(string: "12.50"))
        #expect(DecimalText.parse("-3") == -3)
        for bad in ["", "1e3", "1,5", "1.", ".5", "1.2.3", "--1", " 1", "0x10"] { #expect(DecimalText.parse(bad) == nil, "\(bad)") }
    }

    @Test func scopesCoverTheirCompaniesAndSharedData() throws {
        let acme = try CompanyScope(text: "acme, beta")
        #expect(acme == .only(["ACME", "BETA"]) && acme.description == "ACME,BETA")
        #expect(acme.covers("ACME") && acme.covers(nil) && !acme.covers("OTHER"))
        #expect(!acme.mayChange(nil) && CompanyScope.all.mayChange(nil))
        #expect(CompanyScope.all.contains(acme) && !acme.contains(.all) && acme.contains(.only(["BETA"])))
        #expect(throws: IdentifierError.self) { try CompanyScope(text: "") }
    }

    @Test func rolesHoldTheFewestPermissions() {
        #expect(Role.plantAgent.permissions == [.syncEvents, .pullMasters, .pullInstructions])
        #expect(Role.allCases.filter { $0.allows(.decideApprovals) } == [.administrator, .buyer, .planner, .controller])
        #expect(Role.allCases.filter { $0.allows(.sendDemand) } == [.administrator, .planner])
        #expect(!Role.administrator.allows(.syncEvents))
        #expect(Role.allCases.filter { $0.allows(.writeCatalogue) } == [.administrator, .steward])
        #expect(Role.allCases.filter { $0.allows(.readAudit) } == [.administrator, .auditor])
        #expect(Role.allCases.filter { $0.allows(.manageAccess) } == [.administrator])
    }
}
