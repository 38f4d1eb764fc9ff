import Foundation

/// One thing wrong with a master record: the field and what was expected.
public struct MasterProblem: Sendable, Equatable, Codable, CustomStringConvertible {
    public var field: String
    public var detail: String

    public init(field: String, detail: String) {
        self.field = field
        self.detail = detail
    }

    public var description: String { "\(field): \(detail)" }
}

/// A record another one names (a supplier's category, an account mapping's accounts). It must exist in the
/// referring record's company or among shared records.
public struct MasterReference: Sendable, Hashable {
    public var kind: MasterKind
    public var key: String
    /// The field that names it.
    public var field: String
}

/// A draft that passed its checks: normalised codes and data, and the records it names.
public struct CheckedMaster: Sendable, Equatable {
    public var draft: MasterDraft
    public var references: [MasterReference]
}

extension MasterDraft {
    /// Checks the record's fields by its kind and normalises codes; returns every problem found.
    public func checked() -> Result<CheckedMaster, MasterInvalid> {
        var problems: [MasterProblem] = []
        var draft = self
        if let company = draft.company, !company.isEmpty {
            do { draft.company = try PlantIdentity.validate(company, what: "company code") } catch {
                problems.append(MasterProblem(field: "company", detail: error.reason))
            }
        } else {
            draft.company = nil
        }
        switch kind {
        case .company:
            if let code = try? PlantIdentity.validate(key, what: "company code") {
                draft.key = code
                if let company = draft.company, company != code {
                    problems.append(MasterProblem(field: "company", detail: "a company record belongs to itself (\(code))"))
                }
                draft.company = code
            } else {
                problems.append(MasterProblem(field: "key", detail: "a company code is 1 to 16 letters or digits"))
            }
        case .plant:
            let parts = key.uppercased().split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2, let identity = try? PlantIdentity(company: String(parts[0]), code: String(parts[1])) {
                draft.key = identity.plantID
                if let company = draft.company, company != identity.company {
                    problems.append(MasterProblem(field: "company", detail: "plant \(identity.plantID) belongs to \(identity.company)"))
                }
                draft.company = identity.company
            } else {
                problems.append(MasterProblem(field: "key", detail: "a plant key is its id COMPANY-PLANT"))
            }
        default:
            if kind.requiresCompany, draft.company == nil {
                problems.append(MasterProblem(field: "company", detail: "a \(kind.rawValue) belongs to one company"))
            }
            if kind != .supplierItem, kind != .intercompanyPrice, let problem = MasterFields.codeProblem(key) {
                problems.append(MasterProblem(field: "key", detail: problem))
            }
            if kind == .machineRate, MasterFields.codeProblem(key) == nil {
                if let plant = MachineRateMaster.plant(ofKey: key) {
                    if let company = draft.company, PlantIdentity.company(of: plant) != company {
                        problems.append(MasterProblem(field: "key", detail: "plant \(plant) is not a plant of \(company)"))
                    }
                } else {
                    problems.append(MasterProblem(
                        field: "key", detail: "a machine rate's key is PLANT.LINE.MACHINE (e.g. ACME-BER.L1.PRESS), got \"\(key)\""))
                }
            }
        }
        var plants: [String] = []
        for (index, plant) in draft.plants.enumerated() {
            let upper = plant.uppercased()
            let parts = upper.split(separator: "-", omittingEmptySubsequences: false)
            if parts.count == 2, (try? PlantIdentity(company: String(parts[0]), code: String(parts[1]))) != nil {
                if let company = draft.company, String(parts[0]) != company {
                    problems.append(MasterProblem(field: "plants[\(index)]", detail: "\(upper) is not a plant of \(company)"))
                }
                if !plants.contains(upper) { plants.append(upper) }
            } else {
                problems.append(MasterProblem(field: "plants[\(index)]", detail: "a plant id is COMPANY-PLANT, got \"\(plant)\""))
            }
        }
        draft.plants = plants
        guard case .object(let members) = data else {
            problems.append(MasterProblem(field: "data", detail: "expected an object of the \(kind.rawValue)'s fields"))
            return .failure(MasterInvalid(identity: draft.identity, problems: problems))
        }
        let schema = kind.schema
        for name in members.keys.sorted() where !schema.fields.contains(name) {
            problems.append(MasterProblem(
                field: "data.\(name)",
                detail: "not a field of \(kind.rawValue) (fields: \(schema.fields.sorted().joined(separator: ", ")))"))
        }
        var fields = MasterFields(members: members)
        let references = schema.check(draft.key, &fields)
        problems += fields.problems
        if kind == .supplierItem, case .string(let supplier)? = members["supplier"], case .string(let item)? = members["item"] {
            let expected = "\(supplier):\(item)"
            if draft.key != expected {
                problems.append(MasterProblem(field: "key", detail: "a supplier item's key is SUPPLIER:ITEM, here \(expected)"))
            }
        }
        guard problems.isEmpty else { return .failure(MasterInvalid(identity: draft.identity, problems: problems)) }
        return .success(CheckedMaster(draft: draft, references: references))
    }

    public var identity: MasterIdentity { MasterIdentity(kind: kind, company: company, key: key) }
}

/// A master record that failed its checks, with every problem.
public struct MasterInvalid: Error, Sendable, Equatable, CustomStringConvertible {
    public var identity: MasterIdentity
    public var problems: [MasterProblem]

    public init(identity: MasterIdentity, problems: [MasterProblem]) {
        self.identity = identity
        self.problems = problems
    }

    public var description: String {
        "\(identity): " + problems.map(\.description).joined(separator: "; ")
    }
}

/// The fields of each kind and their checks.
struct MasterSchema: Sendable {
    var fields: Set<String>
    /// Checks the fields (recording problems in `fields`) and returns the records they name.
    var check: @Sendable (_ key: String, _ fields: inout MasterFields) -> [MasterReference]
}

/// ISO 22400-2 KPIs a definition may name as its formula.
public enum KPIFormula: String, Sendable, CaseIterable {
    // Machines' time and quantity elements (`KPIElements`).
    case availability, effectiveness, qualityRatio = "quality-ratio", oee, scrapRatio = "scrap-ratio"
    case reworkRatio = "rework-ratio", mtbf, mttr, setupRatio = "setup-ratio", technicalEfficiency = "technical-efficiency"
    // Plants' operations elements (`OperationsElements`): buyers', planners' and plant managers' figures.
    case supplierConfirmationRate = "supplier-confirmation-rate", overduePurchaseLines = "overdue-purchase-lines"
    case scheduleAdherence = "schedule-adherence", orderCompletionReliability = "order-completion-reliability"
    case cycleCountAccuracy = "cycle-count-accuracy", maintenanceInterruptions = "maintenance-interruptions"

    /// Whether machines' elements make the figure (else a plant's operations elements do).
    public var isMachineFormula: Bool { OperationsElements.formulas.contains(self) == false }
}

extension MasterKind {
    var schema: MasterSchema {
        switch self {
        case .company:
            MasterSchema(fields: ["legalName", "currency", "country", "valuation", "matchTolerancePercent"]) { _, f in
                f.text("legalName")
                f.currency("currency")
                f.country("country", required: false)
                if f.has("valuation") { f.choice("valuation", among: Set(InventoryValuation.allCases.map(\.rawValue))) }
                if let percent = f.decimal("matchTolerancePercent", required: false, nonNegative: true), percent > 100 {
                    f.problem("matchTolerancePercent", "a tolerance is 0 to 100 percent")
                }
                return []
            }
        case .plant:
            MasterSchema(fields: ["name", "timeZone", "address", "gs1CompanyPrefix"]) { _, f in
                f.text("name")
                if let zone = f.text("timeZone"), TimeZone(identifier: zone) == nil {
                    f.problem("timeZone", "unknown time zone \"\(zone)\" (an IANA name such as Europe/Berlin)")
                }
                f.text("address", required: false, maxLength: 500)
                if let prefix = f.text("gs1CompanyPrefix", required: false) {
                    do throws(SSCCError) { _ = try GS1CompanyPrefix(prefix) } catch { f.problem("gs1CompanyPrefix", error.description) }
                }
                return []
            }
        case .account:
            MasterSchema(fields: ["name", "type", "parent"]) { key, f in
                f.text("name")
                f.choice("type", among: ["asset", "liability", "equity", "revenue", "expense"])
                guard let parent = f.code("parent", required: false) else { return [] }
                if parent == key { f.problem("parent", "an account cannot be its own parent") }
                return [MasterReference(kind: .account, key: parent, field: "parent")]
            }
        case .accountMapping:
            MasterSchema(fields: ["description", "debit", "credit"]) { _, f in
                f.text("description", required: false, maxLength: 500)
                let debit = f.code("debit"), credit = f.code("credit")
                if let debit, debit == credit { f.problem("credit", "debit and credit must be different accounts") }
                return [debit.map { MasterReference(kind: .account, key: $0, field: "debit") },
                        credit.map { MasterReference(kind: .account, key: $0, field: "credit") }].compactMap { $0 }
            }
        case .item:
            MasterSchema(fields: [
                "description", "uom", "tracking", "category", "gtins", "conversions", "standardCost", "shelfLifeDays", "unitWeightKg",
            ]) { _, f in
                f.text("description", maxLength: 500)
                let uom = f.unit("uom")
                f.choice("tracking", among: ["none", "lot", "serial"])
                f.text("category", required: false)
                for (index, gtin) in (f.texts("gtins") ?? []).enumerated() {
                    if let problem = MasterFields.gtinProblem(gtin) { f.problem("gtins[\(index)]", problem) }
                }
                var units: Set<String> = []
                for (index, conversion) in (f.objects("conversions") ?? []).enumerated() {
                    var nested = f.nested(conversion, at: "conversions[\(index)]")
                    if let unit = nested.unit("uom") {
                        if unit == uom { nested.problem("uom", "the base unit needs no conversion") }
                        if !units.insert(unit).inserted { nested.problem("uom", "\(unit) is converted twice") }
                    }
                    nested.decimal("factor", positive: true)
                    f.absorb(nested)
                }
                f.money("standardCost", required: false)
                f.integer("shelfLifeDays", required: false, range: 1...36_500)
                f.decimal("unitWeightKg", required: false, positive: true)
                return []
            }
        case .supplierCategory:
            MasterSchema(fields: ["name", "parent"]) { key, f in
                f.text("name")
                guard let parent = f.code("parent", required: false) else { return [] }
                if parent == key { f.problem("parent", "a category cannot be its own parent") }
                return [MasterReference(kind: .supplierCategory, key: parent, field: "parent")]
            }
        case .supplier:
            MasterSchema(fields: ["name", "status", "categories", "country", "email"]) { _, f in
                f.text("name")
                f.choice("status", among: ["approved", "conditional", "pending", "blocked"])
                f.country("country", required: false)
                if let email = f.text("email", required: false), !email.contains("@") {
                    f.problem("email", "not an e-mail address")
                }
                return (f.texts("categories") ?? []).enumerated().compactMap { index, category in
                    if let problem = MasterFields.codeProblem(category) {
                        f.problem("categories[\(index)]", problem)
                        return nil
                    }
                    return MasterReference(kind: .supplierCategory, key: category, field: "categories[\(index)]")
                }
            }
        case .supplierItem:
            MasterSchema(fields: ["supplier", "item", "leadTimeDays", "price", "minimumQuantity", "rank"]) { _, f in
                let supplier = f.code("supplier"), item = f.code("item")
                f.integer("leadTimeDays", range: 0...3650)
                f.money("price")
                f.decimal("minimumQuantity", required: false, positive: true)
                f.integer("rank", range: 1...99)
                return [supplier.map { MasterReference(kind: .supplier, key: $0, field: "supplier") },
                        item.map { MasterReference(kind: .item, key: $0, field: "item") }].compactMap { $0 }
            }
        case .customer:
            MasterSchema(fields: ["name", "currency", "paymentTermsDays", "country", "email"]) { _, f in
                f.text("name")
                f.currency("currency")
                f.integer("paymentTermsDays", range: 0...365)
                f.country("country", required: false)
                if let email = f.text("email", required: false), !email.contains("@") {
                    f.problem("email", "not an e-mail address")
                }
                return []
            }
        case .intercompanyPrice:
            MasterSchema(fields: ["buyer", "item", "price"]) { key, f in
                let buyer = f.code("buyer"), item = f.code("item")
                f.money("price")
                if let buyer, let item, key != "\(buyer):\(item)" {
                    f.problem("buyer", "an intercompany price's key is BUYER:ITEM, here \(buyer):\(item)")
                }
                return item.map { [MasterReference(kind: .item, key: $0, field: "item")] } ?? []
            }
        case .fiscalPeriod:
            MasterSchema(fields: ["start", "end", "fiscalYear"]) { _, f in
                let start = f.day("start"), end = f.day("end")
                if let start, let end, end < start { f.problem("end", "a period ends on or after its start (\(start))") }
                if let year = f.code("fiscalYear"), MasterFields.codeProblem(year) != nil { f.problem("fiscalYear", "not a code") }
                return []
            }
        case .exchangeRate:
            MasterSchema(fields: ["from", "to", "kind", "on", "through", "rate", "source"]) { key, f in
                f.currency("from")
                f.currency("to")
                let kind = f.choice("kind", among: Set(ExchangeRateMaster.RateKind.allCases.map(\.rawValue)))
                let on = f.day("on")
                let through = f.day("through", required: kind == "average")
                if kind != "average", through != nil { f.problem("through", "only an average rate covers a range") }
                if let on, let through, through < on { f.problem("through", "an average rate's range ends on or after \(on)") }
                f.decimal("rate", positive: true)
                f.text("source")
                if case .string(let from)? = f.members["from"], case .string(let to)? = f.members["to"], let kind, let on {
                    if from == to { f.problem("to", "a rate is between two different currencies") }
                    let expected = "\(from).\(to).\(kind).\(on)"
                    if key != expected { f.problem("on", "an exchange rate's key is FROM.TO.KIND.DATE, here \(expected)") }
                }
                return []
            }
        case .itemCost:
            MasterSchema(fields: ["standardCost", "labour", "overhead"]) { key, f in
                f.money("standardCost")
                f.money("labour", required: false)
                f.money("overhead", required: false)
                return [MasterReference(kind: .item, key: key, field: "key")]
            }
        case .workCentreRate:
            MasterSchema(fields: ["labourPerHour", "overheadPerHour"]) { _, f in
                f.money("labourPerHour")
                f.money("overheadPerHour", required: false)
                return []
            }
        case .group:
            MasterSchema(fields: ["name", "presentationCurrency", "parent", "members"]) { _, f in
                f.text("name")
                f.currency("presentationCurrency")
                let parent = f.code("parent")
                var companies: Set<String> = []
                var references = parent.map { [MasterReference(kind: .company, key: $0, field: "parent")] } ?? []
                for (index, member) in (f.objects("members") ?? []).enumerated() {
                    var nested = f.nested(member, at: "members[\(index)]")
                    if let company = nested.code("company") {
                        if !companies.insert(company).inserted { nested.problem("company", "\(company) is a member twice") }
                        references.append(MasterReference(kind: .company, key: company, field: "members[\(index)].company"))
                    }
                    if let percent = nested.decimal("ownershipPercent", required: false, positive: true), percent != 100 {
                        nested.problem("ownershipPercent", "members are held at 100 percent in this release (docs/accounting.md)")
                    }
                    f.absorb(nested)
                }
                if let parent, !companies.contains(parent) { f.problem("members", "the parent \(parent) is one of the members") }
                return references
            }
        case .machineRate:
            MasterSchema(fields: ["secondsPerUnit", "items"]) { key, f in
                f.decimal("secondsPerUnit", required: false, positive: true)
                var references = MachineRateMaster.plant(ofKey: key).map { [MasterReference(kind: .plant, key: $0, field: "key")] } ?? []
                let items = f.objects("items") ?? []
                var rated: Set<String> = []
                for (index, entry) in items.enumerated() {
                    var nested = f.nested(entry, at: "items[\(index)]")
                    if let item = nested.code("item") {
                        if !rated.insert(item).inserted { nested.problem("item", "\(item) is rated twice") }
                        references.append(MasterReference(kind: .item, key: item, field: "items[\(index)].item"))
                    }
                    nested.decimal("secondsPerUnit", positive: true)
                    for name in entry.keys.sorted() where name != "item" && name != "secondsPerUnit" {
                        nested.problem(name, "not a field of an item's rate (item, secondsPerUnit)")
                    }
                    f.absorb(nested)
                }
                if !f.has("secondsPerUnit"), items.isEmpty {
                    f.problem("secondsPerUnit", "required unless items are rated: a machine rate rates the machine, its items, or both")
                }
                return references
            }
        case .kpi:
            MasterSchema(fields: ["name", "formula", "unit", "target", "higherIsBetter"]) { _, f in
                f.text("name")
                f.choice("formula", among: Set(KPIFormula.allCases.map(\.rawValue)))
                f.text("unit")
                f.decimal("target", required: false)
                f.bool("higherIsBetter")
                return []
            }
        case .downtimeReason:
            MasterSchema(fields: ["class", "failure", "description"]) { _, f in
                f.choice("class", among: ["availability", "performance", "quality"])
                f.bool("failure")
                f.text("description", maxLength: 500)
                return []
            }
        case .approvalPolicy:
            MasterSchema(fields: ["subject", "category", "currency", "plantLimit", "tiers"]) { _, f in
                f.choice("subject", among: ["expedite", "exceptional-buy", "purchase-order"])
                let category = f.code("category", required: false)
                f.currency("currency")
                f.decimal("plantLimit", required: false, nonNegative: true)
                let tiers = f.objects("tiers") ?? []
                if tiers.isEmpty { f.problem("tiers", "at least one approval tier") }
                var previous: Decimal?
                for (index, tier) in tiers.enumerated() {
                    var nested = f.nested(tier, at: "tiers[\(index)]")
                    let limit = nested.decimal("upTo", required: index < tiers.count - 1, positive: true)
                    if let limit, let previous, limit <= previous {
                        nested.problem("upTo", "tiers go up: \(limit) is not above \(previous)")
                    }
                    previous = limit ?? previous
                    let approving = Role.allCases.filter { $0.allows(.decideApprovals) }
                    if let role = nested.text("role"), !approving.contains(where: { $0.rawValue == role }) {
                        nested.problem("role", "not a role that approves (\(approving.map(\.rawValue).joined(separator: ", ")))")
                    }
                    f.absorb(nested)
                }
                return category.map { [MasterReference(kind: .supplierCategory, key: $0, field: "category")] } ?? []
            }
        }
    }
}

/// Reads typed fields out of a JSON object and notes what is wrong, field by field.
struct MasterFields {
    let members: [String: JSONValue]
    let path: String
    private(set) var problems: [MasterProblem] = []

    init(members: [String: JSONValue], path: String = "data") {
        self.members = members
        self.path = path
    }

    mutating func problem(_ field: String, _ detail: String) {
        problems.append(MasterProblem(field: "\(path).\(field)", detail: detail))
    }

    func nested(_ members: [String: JSONValue], at field: String) -> MasterFields {
        MasterFields(members: members, path: "\(path).\(field)")
    }

    mutating func absorb(_ other: MasterFields) { problems += other.problems }

    /// Whether the field is given (and not null).
    func has(_ field: String) -> Bool {
        switch members[field] { case nil, .null?: false; default: true }
    }

    /// A calendar day `YYYY-MM-DD`.
    mutating func day(_ field: String, required: Bool = true) -> String? {
        guard let text = text(field, required: required) else { return nil }
        guard DemandInstruction.day(text) != nil, text.utf8.count == 10 else { problem(field, "a date YYYY-MM-DD"); return nil }
        return text
    }

    private mutating func value(_ field: String, required: Bool) -> JSONValue? {
        switch members[field] {
        case nil, .null?:
            if required { problem(field, "required") }
            return nil
        case let value?: return value
        }
    }

    @discardableResult
    mutating func text(_ field: String, required: Bool = true, maxLength: Int = 200) -> String? {
        guard let value = value(field, required: required) else { return nil }
        guard case .string(let text) = value else { problem(field, "expected text"); return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { problem(field, "must not be empty"); return nil }
        if trimmed.count > maxLength { problem(field, "at most \(maxLength) characters"); return nil }
        return trimmed
    }

    @discardableResult
    mutating func code(_ field: String, required: Bool = true) -> String? {
        guard let text = text(field, required: required) else { return nil }
        if let detail = Self.codeProblem(text) { problem(field, detail); return nil }
        return text
    }

    @discardableResult
    mutating func choice(_ field: String, among choices: Set<String>) -> String? {
        guard let text = text(field) else { return nil }
        guard choices.contains(text) else { problem(field, "one of \(choices.sorted().joined(separator: ", ")), got \"\(text)\""); return nil }
        return text
    }

    @discardableResult
    mutating func bool(_ field: String) -> Bool? {
        guard let value = value(field, required: true) else { return nil }
        guard case .bool(let flag) = value else { problem(field, "expected true or false"); return nil }
        return flag
    }

    @discardableResult
    mutating func integer(_ field: String, required: Bool = true, range: ClosedRange<Int>) -> Int? {
        guard let value = value(field, required: required) else { return nil }
        guard case .number(let number) = value, number == number.rounded(), let integer = Int(exactly: number) else {
            problem(field, "expected a whole number"); return nil
        }
        guard range.contains(integer) else { problem(field, "must be from \(range.lowerBound) to \(range.upperBound)"); return nil }
        return integer
    }

    /// Decimals travel as text ("12.50") so no digit is lost to binary floating point.
    @discardableResult
    mutating func decimal(_ field: String, required: Bool = true, positive: Bool = false, nonNegative: Bool = false) -> Decimal? {
        guard let value = value(field, required: required) else { return nil }
        guard case .string(let text) = value, let decimal = DecimalText.parse(text) else {
            problem(field, "expected a decimal number as text, e.g. \"12.50\""); return nil
        }
        if positive && decimal <= 0 { problem(field, "must be more than 0"); return nil }
        if nonNegative && decimal < 0 { problem(field, "must not be negative"); return nil }
        return decimal
    }

    mutating func money(_ field: String, required: Bool = true) {
        guard let value = value(field, required: required) else { return }
        guard case .object(let members) = value else { problem(field, "expected {\"amount\": \"…\", \"currency\": \"…\"}"); return }
        var nested = nested(members, at: field)
        // Prices and costs are never negative: a credit is not a price.
        nested.decimal("amount", nonNegative: true)
        nested.currency("currency")
        for name in members.keys.sorted() where name != "amount" && name != "currency" {
            nested.problem(name, "not a field of an amount (amount, currency)")
        }
        absorb(nested)
    }

    mutating func currency(_ field: String) {
        guard let text = text(field) else { return }
        if text.count != 3 || !text.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) {
            problem(field, "an ISO 4217 code of three capital letters, e.g. EUR")
        } else if CurrencyCode(code: text) == nil {
            problem(field, UnknownCurrency(code: text).description)
        }
    }

    mutating func country(_ field: String, required: Bool) {
        guard let text = text(field, required: required) else { return }
        if text.count != 2 || !text.unicodeScalars.allSatisfy({ ("A"..."Z").contains($0) }) {
            problem(field, "an ISO 3166 code of two capital letters, e.g. DE")
        }
    }

    @discardableResult
    mutating func unit(_ field: String) -> String? {
        guard let text = text(field) else { return nil }
        guard (1...8).contains(text.count), text.unicodeScalars.allSatisfy({ $0.properties.isAlphabetic || ("0"..."9").contains($0) }) else {
            problem(field, "a unit code is 1 to 8 letters or digits (e.g. EA, KGM)"); return nil
        }
        return text
    }

    mutating func texts(_ field: String) -> [String]? {
        guard let value = value(field, required: false) else { return nil }
        guard case .array(let values) = value else { problem(field, "expected a list of text"); return nil }
        var texts: [String] = []
        for (index, value) in values.enumerated() {
            guard case .string(let text) = value, !text.isEmpty else { problem("\(field)[\(index)]", "expected text"); continue }
            if texts.contains(text) { problem("\(field)[\(index)]", "\(text) is listed twice"); continue }
            texts.append(text)
        }
        return texts
    }

    mutating func objects(_ field: String) -> [[String: JSONValue]]? {
        guard let value = value(field, required: false) else { return nil }
        guard case .array(let values) = value else { problem(field, "expected a list"); return nil }
        return values.enumerated().compactMap { index, value in
            guard case .object(let members) = value else { problem("\(field)[\(index)]", "expected an object"); return nil }
            return members
        }
    }

    /// Keys and codes: `MasterKey`'s rule.
    static func codeProblem(_ text: String) -> String? {
        MasterKey.problem(text)
    }

    static func gtinProblem(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard [8, 12, 13, 14].contains(bytes.count), bytes.allSatisfy(\.isDigit) else {
            return "a GTIN is 8, 12, 13 or 14 digits, got \"\(text)\""
        }
        return GS1Linters.checkDigit(bytes).map { "GTIN \(text): \($0)" }
    }
}

/// Strict decimal text: optional minus, digits, optional point and digits. No exponents, no grouping.
public enum DecimalText {
    public static func parse(_ text: String) -> Decimal? {
        var digits = 0, points = 0
        for (index, scalar) in text.unicodeScalars.enumerated() {
            if ("0"..."9").contains(scalar) { digits += 1 }
            else if scalar == "." && digits > 0 { points += 1 }
            else if scalar == "-" && index == 0 { continue }
            else { return nil }
        }
        guard digits > 0, points <= 1, !text.hasSuffix("."), digits <= 30 else { return nil }
        return Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))
    }
}
