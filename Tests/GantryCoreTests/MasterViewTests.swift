import Foundation
@testable import GantryCore
import Testing

/// Every master kind reads into its typed view; a record of another kind or whose data does not read gives none.
@Suite struct MasterViewTests {
    static func record(_ kind: MasterKind, _ key: String, _ data: String, company: String? = "ACME", active: Bool = true) throws -> MasterRecord {
        MasterRecord(
            kind: kind, company: company, key: key, active: active, plants: [], data: try JSONValue.parse(data), version: 1,
            updatedAt: Date(timeIntervalSince1970: 0), updatedBy: "tests")
    }

    /// Each kind with data the hub's validation accepts: its record validates and its view reads.
    static let valid: [(MasterKind, String, String)] = [
        (.company, "ACME", #"{"legalName":"Acme GmbH","currency":"EUR","country":"DE"}"#),
        (.plant, "ACME-BER", #"{"name":"Berlin","timeZone":"Europe/Berlin"}"#),
        (.account, "4000", #"{"name":"Revenue","type":"revenue"}"#),
        (.accountMapping, "SALE", #"{"debit":"1200","credit":"4000"}"#),
        (.supplierCategory, "MOTORS", #"{"name":"Motors"}"#),
        (.supplier, "S1", #"{"name":"Supplier 1","status":"conditional","categories":["MOTORS"]}"#),
        (.supplierItem, "S1:BOLT", #"{"supplier":"S1","item":"BOLT","leadTimeDays":14,"price":{"amount":"0.120","currency":"BHD"},"rank":2,"minimumQuantity":"500"}"#),
        (.kpi, "OEE", #"{"name":"OEE","formula":"oee","unit":"%","target":"85.5","higherIsBetter":true}"#),
        (.downtimeReason, "JAM", #"{"class":"availability","failure":true,"description":"Jammed"}"#),
        (.approvalPolicy, "EXP", #"{"subject":"expedite","currency":"EUR","plantLimit":"500","tiers":[{"upTo":"2000","role":"buyer"},{"role":"controller"}]}"#),
        (.customer, "C100", #"{"name":"Northwind","currency":"USD","paymentTermsDays":30,"country":"US"}"#),
        (.intercompanyPrice, "BETA:MOTOR", #"{"buyer":"BETA","item":"MOTOR","price":{"amount":"41.50","currency":"USD"}}"#),
        (.plant, "ACME-HAM", #"{"name":"Hamburg","timeZone":"Europe/Berlin","gs1CompanyPrefix":"4012345"}"#),
        (.fiscalPeriod, "2026-P12", #"{"start":"2026-11-29","end":"2027-01-02","fiscalYear":"FY2026"}"#),
        (.exchangeRate, "EUR.PLN.daily.2026-12-03", #"{"from":"EUR","to":"PLN","kind":"daily","on":"2026-12-03","rate":"4.2115","source":"ECB"}"#),
        (.itemCost, "MOTOR", #"{"standardCost":{"amount":"38.00","currency":"EUR"},"labour":{"amount":"6.00","currency":"EUR"}}"#),
        (.workCentreRate, "ACME-BER.WC1", #"{"labourPerHour":{"amount":"42.00","currency":"EUR"}}"#),
        (.group, "GROUP", #"{"name":"Acme group","presentationCurrency":"EUR","parent":"ACME","members":[{"company":"ACME"},{"company":"BETA","ownershipPercent":"100"}]}"#),
        (.company, "ACME", #"{"legalName":"Acme Avg","currency":"EUR","valuation":"moving-average","matchTolerancePercent":"2.5"}"#),
        (.machineRate, "ACME-BER.L1.PRESS", #"{"secondsPerUnit":"20","items":[{"item":"P1","secondsPerUnit":"12.5"}]}"#),
    ]

    static func view(_ record: MasterRecord) -> (any MasterView)? {
        switch record.kind {
        case .company: CompanyMaster(record)
        case .plant: PlantMaster(record)
        case .account: AccountMaster(record)
        case .accountMapping: AccountMappingMaster(record)
        case .supplierCategory: SupplierCategoryMaster(record)
        case .supplier: SupplierMaster(record)
        case .supplierItem: SupplierItemMaster(record)
        case .kpi: KPIMaster(record)
        case .downtimeReason: DowntimeReasonMaster(record)
        case .approvalPolicy: ApprovalPolicyMaster(record)
        case .customer: CustomerMaster(record)
        case .intercompanyPrice: IntercompanyPriceMaster(record)
        case .fiscalPeriod: FiscalPeriodMaster(record)
        case .exchangeRate: ExchangeRateMaster(record)
        case .itemCost: ItemCostMaster(record)
        case .workCentreRate: WorkCentreRateMaster(record)
        case .group: GroupMaster(record)
        case .machineRate: MachineRateMaster(record)
        case .item: nil
        }
    }

    @Test(arguments: valid.indices)
    func everyKindReadsWithItsIdentity(index: Int) throws {
        let (kind, key, data) = Self.valid[index]
        let draft = MasterDraft(kind: kind, company: "ACME", key: key, active: true, plants: [], data: try JSONValue.parse(data), expectedVersion: nil)
        guard case .success = draft.checked() else { Issue.record("\(kind.rawValue) does not validate"); return }
        let view = try #require(Self.view(try Self.record(kind, key, data)), "\(kind.rawValue) does not read")
        #expect(view.key == key && view.company == "ACME" && view.active)
        #expect(Self.view(try Self.record(kind == .kpi ? .plant : .kpi, key, data)) == nil, "a record of another kind is not read as \(kind.rawValue)")
    }

    @Test func accountingMastersReadTyped() throws {
        let rate = try #require(ExchangeRateMaster(try Self.record(.exchangeRate, "EUR.PLN.daily.2026-12-03", Self.valid[14].2)))
        #expect(rate.from == .EUR && rate.to == .PLN && rate.rateKind == .daily && rate.rate == Decimal(string: "4.2115")!)
        let cost = try #require(ItemCostMaster(try Self.record(.itemCost, "MOTOR", Self.valid[15].2)))
        #expect(cost.standardCost == Money(minorUnits: 3800, currency: .EUR) && cost.labour == Money(minorUnits: 600, currency: .EUR))
        let group = try #require(GroupMaster(try Self.record(.group, "GROUP", Self.valid[17].2)))
        #expect(group.members.map(\.company) == ["ACME", "BETA"] && group.members.allSatisfy { $0.ownershipPercent == 100 })
        let company = try #require(CompanyMaster(try Self.record(.company, "ACME", Self.valid[18].2)))
        #expect(company.valuationMethod == .movingAverage && company.matchTolerancePercent == Decimal(string: "2.5")!)
        let plain = try #require(CompanyMaster(try Self.record(.company, "ACME", Self.valid[0].2)))
        #expect(plain.valuationMethod == .standard && plain.matchTolerancePercent == nil)
    }

    @Test func shippingMastersReadTyped() throws {
        let customer = try #require(CustomerMaster(try Self.record(.customer, "C100", Self.valid[10].2)))
        #expect(customer.currency == .USD && customer.paymentTermsDays == 30 && customer.name == "Northwind")
        let price = try #require(IntercompanyPriceMaster(try Self.record(.intercompanyPrice, "BETA:MOTOR", Self.valid[11].2)))
        #expect(price.buyer == "BETA" && price.item == "MOTOR" && price.price == Money(minorUnits: 4150, currency: .USD))
        let plant = try #require(PlantMaster(try Self.record(.plant, "ACME-HAM", Self.valid[12].2)))
        #expect(plant.gs1CompanyPrefix?.digits == "4012345")
    }

    @Test(arguments: [
        (MasterKind.plant, "ACME-HAM", #"{"name":"Hamburg","timeZone":"UTC","gs1CompanyPrefix":"40123"}"#, "data.gs1CompanyPrefix"),
        (.intercompanyPrice, "BETA:BOLT", #"{"buyer":"BETA","item":"MOTOR","price":{"amount":"1","currency":"USD"}}"#, "data.buyer"),
        (.customer, "C1", #"{"name":"N","currency":"USD","paymentTermsDays":400}"#, "data.paymentTermsDays"),
        (.fiscalPeriod, "P1", #"{"start":"2026-12-31","end":"2026-12-01","fiscalYear":"FY2026"}"#, "data.end"),
        (.fiscalPeriod, "P1", #"{"start":"2026-02-30","end":"2026-03-31","fiscalYear":"FY2026"}"#, "data.start"),
        (.exchangeRate, "EUR.PLN.daily.2026-12-04", #"{"from":"EUR","to":"PLN","kind":"daily","on":"2026-12-03","rate":"4.2","source":"ECB"}"#, "data.on"),
        (.exchangeRate, "EUR.PLN.daily.2026-12-03", #"{"from":"EUR","to":"PLN","kind":"daily","on":"2026-12-03","rate":"0","source":"ECB"}"#, "data.rate"),
        (.exchangeRate, "EUR.PLN.average.2026-12-01", #"{"from":"EUR","to":"PLN","kind":"average","on":"2026-12-01","rate":"4.2","source":"ECB"}"#, "data.through"),
        (.group, "G", #"{"name":"G","presentationCurrency":"EUR","parent":"ACME","members":[{"company":"BETA"}]}"#, "data.members"),
        (.group, "G", #"{"name":"G","presentationCurrency":"EUR","parent":"ACME","members":[{"company":"ACME","ownershipPercent":"80"}]}"#, "data.members[0].ownershipPercent"),
        (.company, "ACME", #"{"legalName":"A","currency":"EUR","valuation":"fifo"}"#, "data.valuation"),
    ])
    func shippingMastersRefuseWhatIsWrong(kind: MasterKind, key: String, data: String, field: String) throws {
        let draft = MasterDraft(kind: kind, company: "ACME", key: key, data: try JSONValue.parse(data))
        guard case .failure(let invalid) = draft.checked() else { Issue.record("\(kind.rawValue) \(key) validated"); return }
        #expect(invalid.problems.map(\.field) == [field])
    }

    @Test func fieldsReadTyped() throws {
        let terms = try #require(SupplierItemMaster(try Self.record(.supplierItem, "S1:BOLT", Self.valid[6].2)))
        #expect(terms.price == Money(minorUnits: 120, currency: .BHD) && terms.price.amountText == "0.120")
        #expect(terms.leadTimeDays == 14 && terms.rank == 2 && terms.minimumQuantity == Quantity(500))
        let supplier = try #require(SupplierMaster(try Self.record(.supplier, "S1", Self.valid[5].2)))
        #expect(supplier.status == .conditional && supplier.takesOrders && supplier.categories == ["MOTORS"])
        let retired = try #require(SupplierMaster(try Self.record(.supplier, "S1", Self.valid[5].2, active: false)))
        #expect(!retired.takesOrders)
        let kpi = try #require(KPIMaster(try Self.record(.kpi, "OEE", Self.valid[7].2)))
        #expect(kpi.target == Decimal(string: "85.5") && kpi.kpiFormula == .oee)
        let reason = try #require(DowntimeReasonMaster(try Self.record(.downtimeReason, "JAM", Self.valid[8].2)))
        #expect(reason.lossClass == .availability && reason.failure)
        let policy = try #require(ApprovalPolicyMaster(try Self.record(.approvalPolicy, "EXP", Self.valid[9].2)))
        #expect(policy.currency == .EUR && policy.plantLimit == 500 && policy.tiers.map(\.upTo) == [2000, nil])
        let company = try #require(CompanyMaster(try Self.record(.company, "ACME", Self.valid[0].2)))
        #expect(company.currency == .EUR && company.country == "DE")
    }

    @Test func aSupplierItemWithoutReadablePriceIsNotRead() throws {
        #expect(SupplierItemMaster(try Self.record(.supplierItem, "S1:BOLT", #"{"supplier":"S1","item":"BOLT","leadTimeDays":14,"rank":1}"#)) == nil)
        #expect(SupplierItemMaster(try Self.record(
            .supplierItem, "S1:BOLT", #"{"supplier":"S1","item":"BOLT","leadTimeDays":14,"price":{"amount":"1","currency":"XYZ"},"rank":1}"#)) == nil)
    }

    @Test func validationRefusesACurrencyISO4217DoesNotList() throws {
        let draft = MasterDraft(
            kind: .company, company: "ACME", key: "ACME", active: true, plants: [],
            data: try JSONValue.parse(#"{"legalName":"Acme","currency":"XYZ"}"#), expectedVersion: nil)
        guard case .failure(let invalid) = draft.checked() else { Issue.record("XYZ accepted"); return }
        #expect(invalid.problems.map(\.field) == ["data.currency"] && invalid.problems[0].detail.contains("ISO 4217"))
    }
}
