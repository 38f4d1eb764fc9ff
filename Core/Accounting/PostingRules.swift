import Foundation

/// The posting rules: what each source posts, decided from the snapshot alone. docs/accounting.md states every
/// rule with its accounts and a worked example.
public enum PostingEngine {
    /// What `sources` need read before they can post.
    public static func needs(_ sources: [PostingSource]) -> PostingNeeds {
        var needs = PostingNeeds()
        for source in sources {
            needs.companies.insert(source.company)
            needs.plants.insert(source.plant)
            switch source.event {
            case .stockMoved(let move):
                needs.items.insert(CompanyItem(company: source.company, item: move.item))
                needs.positions.insert(ValuationKey(company: source.company, plant: source.plant, item: move.item))
                if let reference = move.reference, reference.kind == .purchaseOrderLine {
                    needs.orderLines.insert(PlantOrderLine(plant: source.plant, line: reference.id))
                }
                if let reference = move.reference, reference.kind == .workOrder {
                    needs.workOrders.insert(PlantWorkOrder(plant: source.plant, workOrder: reference.id))
                }
            case .shipmentDispatched(let shipment):
                if let partner = shipment.tradingPartner { needs.companies.insert(partner) }
                for line in shipment.lines {
                    needs.items.insert(CompanyItem(company: source.company, item: line.item))
                    needs.positions.insert(ValuationKey(company: source.company, plant: source.plant, item: line.item))
                    if let partner = shipment.tradingPartner { needs.items.insert(CompanyItem(company: partner, item: line.item)) }
                    if shipment.kind == .transfer { needs.transitLines.insert(TransitLine(transfer: shipment.order, line: line.line)) }
                }
            case .transferUnitReceived(let receipt):
                for line in receipt.contents {
                    needs.items.insert(CompanyItem(company: source.company, item: line.item))
                    needs.positions.insert(ValuationKey(company: source.company, plant: source.plant, item: line.item))
                    needs.transitLines.insert(TransitLine(transfer: receipt.transfer, line: line.line))
                }
            case .workOrderCompleted(let completed):
                needs.items.insert(CompanyItem(company: source.company, item: completed.item))
                needs.positions.insert(ValuationKey(company: source.company, plant: source.plant, item: completed.item))
                needs.workOrders.insert(PlantWorkOrder(plant: source.plant, workOrder: completed.workOrder))
                needs.productionItems.insert(PlantItem(plant: source.plant, item: completed.item))
            }
        }
        return needs
    }

    /// Posts `sources` in order against `snapshot`; positions, WIP and transit carry from one source to the next. A
    /// source that cannot post is held with its refusal and changes nothing.
    public static func post(_ sources: [PostingSource], snapshot: PostingSnapshot) -> PostingOutcome {
        var ledger = PostingLedger(snapshot: snapshot)
        for source in sources {
            do throws(AccountingRefusal) {
                try ledger.post(source)
            } catch {
                ledger.outcome.held.append(HeldPosting(
                    eventID: source.eventID, plant: source.plant, sequence: source.sequence, company: source.company, refusal: error))
            }
        }
        return ledger.outcome
    }
}

/// The running state of one run of postings: the snapshot as the sources so far left it (positions, WIP and
/// transit carry from one source to the next) and what they posted. docs/accounting.md states every rule.
struct PostingLedger {
    var snapshot: PostingSnapshot
    var outcome = PostingOutcome()
    /// Where the entries being posted come from (a plant event, a settled discrepancy) and the next `part` of them.
    var origin: PostingOrigin?
    private var nextPart = 0
    /// What the current source changed, as it was before.
    private var undo = PostingUndo(entries: 0, grni: 0, positionChanges: 0, transitChanges: 0)

    init(snapshot: PostingSnapshot) {
        self.snapshot = snapshot
    }

    /// Posts one source, all or nothing: a refusal leaves entries, positions, WIP and transit as they were. Only what
    /// the source changes is kept to undo (`PostingUndo`), so a run costs in proportion to its sources, never to the
    /// entries already written before each one.
    mutating func post(_ source: PostingSource) throws(AccountingRefusal) {
        begin(PostingOrigin(
            source: EntrySource(kind: .event, reference: source.eventID.uuidString, plant: source.plant, sequence: source.sequence),
            plant: source.plant, day: source.day))
        defer { origin = nil }
        do {
            try apply(source)
        } catch {
            undo.restore(&self)
            throw error
        }
    }

    /// Starts the entries of `origin`: parts count from 0, and only what follows is kept to undo.
    mutating func begin(_ origin: PostingOrigin) {
        self.origin = origin
        nextPart = 0
        undo = PostingUndo(entries: outcome.entries.count, grni: outcome.grni.count, positionChanges: outcome.positionChanges.count,
                           transitChanges: outcome.transitChanges.count)
    }

    private mutating func apply(_ source: PostingSource) throws(AccountingRefusal) {
        let books = try books(of: source.company)
        switch source.event {
        case .stockMoved(let move): try postMove(move, source, books)
        case .workOrderCompleted(let completed): try postCompletion(completed, source, books)
        case .shipmentDispatched(let shipment): try postDispatch(shipment, source, books)
        case .transferUnitReceived(let receipt): try postTransferReceipt(receipt, source, books)
        }
    }

    private mutating func postMove(_ move: StockMoved, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        switch move.kind {
        case .receipt: try postReceipt(move, source, books)
        case .returned: try postReturn(move, source, books)
        case .issue: try postIssue(move, source, books)
        case .output: try postOutput(move, source, books)
        case .adjustment: try postCount(move, books)
        case .scrap: try postScrap(move, source, books)
        case .move: try postQuarantine(move, source, books)
        case .shipment: return
        }
    }

    // MARK: Books, accounts, periods

    func books(of company: String) throws(AccountingRefusal) -> CompanyBooks {
        guard let books = snapshot.books[company] else { throw AccountingRefusal(.unknownCompany, "no books for company \(company)") }
        return books
    }

    func accounts(_ kind: PostingKind, _ books: CompanyBooks) throws(AccountingRefusal) -> CompanyBooks.AccountPair {
        guard let pair = books.mapping[kind] else {
            throw AccountingRefusal(.missingMapping, "company \(books.company) maps no accounts for \(kind.rawValue)")
        }
        return pair
    }

    /// Where a fact of `day` posts: the company's period covering the day; when that period is closed, the first
    /// later open period, on its first day, keeping the day as `originalDate` with a note naming the closed period.
    static func placement(of day: String, in books: CompanyBooks) throws(AccountingRefusal) -> PostingPlacement {
        guard let covering = books.periods.first(where: { $0.start <= day && day <= $0.end }) else {
            throw AccountingRefusal(.noOpenPeriod, "no fiscal period of \(books.company) covers \(day)")
        }
        guard books.closedPeriods.contains(covering.key) else {
            return PostingPlacement(period: covering.key, postingDate: day)
        }
        guard let open = books.periods.first(where: { $0.start > covering.end && !books.closedPeriods.contains($0.key) }) else {
            throw AccountingRefusal(.noOpenPeriod, "period \(covering.key) of \(books.company) covering \(day) is closed and no later period is open")
        }
        return PostingPlacement(period: open.key, postingDate: open.start, originalDate: day,
                                note: "dated \(day) in closed period \(covering.key); posted to \(open.key)")
    }

    /// The daily rate turning `currency` into the company's functional currency on the fact's day (1 for the same).
    func rate(_ currency: CurrencyCode, _ books: CompanyBooks, on day: String) throws(AccountingRefusal) -> Decimal {
        if currency == books.functionalCurrency { return 1 }
        return try snapshot.rates.daily(from: currency, to: books.functionalCurrency, on: day).rate
    }

    // MARK: Entries

    /// Writes one entry of the current source: each line rounded once, half to even, to the minor unit of each
    /// currency (a line without a functional amount converts its amount at `rate`); a rounding residue goes to the
    /// largest line that may take one, so the entry balances in both currencies. An entry of only zeros is not written.
    mutating func write(_ kind: PostingKind, _ books: CompanyBooks, currency: CurrencyCode, rate: Decimal,
                        _ lines: [DraftLine]) throws(AccountingRefusal) {
        guard let origin else { return }
        let functionalCurrency = books.functionalCurrency
        var functional: [Int64] = []
        for line in lines { functional.append(try Self.minor(line.functional ?? line.amount * rate, functionalCurrency)) }
        try Self.settle(&functional, takers: lines.map { !$0.fixed }, kind: kind)
        var amounts: [Int64]
        if currency == functionalCurrency {
            amounts = functional
        } else {
            amounts = []
            for line in lines { amounts.append(try Self.minor(line.amount, currency)) }
            try Self.settle(&amounts, takers: lines.map { _ in true }, kind: kind)
        }
        guard amounts.contains(where: { $0 != 0 }) || functional.contains(where: { $0 != 0 }) else { return }
        let placement = try Self.placement(of: origin.day, in: books)
        let journalLines = lines.indices.map { index in
            JournalLine(account: lines[index].account, amount: amounts[index], functionalAmount: functional[index],
                        item: lines[index].item, quantity: lines[index].quantity,
                        tradingPartner: lines[index].tradingPartner, customer: lines[index].customer)
        }
        var source = origin.source
        source.part = nextPart
        outcome.entries.append(JournalEntry(
            company: books.company, source: source,
            kind: kind, postingDate: placement.postingDate, period: placement.period, originalDate: placement.originalDate,
            note: placement.note, transactionCurrency: currency, functionalCurrency: functionalCurrency, lines: journalLines))
        nextPart += 1
    }

    /// Puts what keeps `amounts` from summing to zero on the largest line that may take it.
    private static func settle(_ amounts: inout [Int64], takers: [Bool], kind: PostingKind) throws(AccountingRefusal) {
        let residue = -amounts.reduce(0, +)
        guard residue != 0 else { return }
        guard let largest = amounts.indices.filter({ takers[$0] }).max(by: { amounts[$0].magnitude < amounts[$1].magnitude }) else {
            throw AccountingRefusal(.invalid, "a \(kind.rawValue) entry does not balance by \(residue) minor units")
        }
        amounts[largest] += residue
    }

    /// `value` (major units) rounded half to even to `currency`'s minor unit, in minor units.
    static func minor(_ value: Decimal, _ currency: CurrencyCode) throws(AccountingRefusal) -> Int64 {
        if let whole = value.wholeScaled(by: currency.minorUnitExponent) { return whole }
        guard let minor = Money(amount: value, currency: currency).roundedToMinorUnit().minorUnits else {
            throw AccountingRefusal(.outOfRange, "\(value) \(currency.code) is beyond what the ledger holds")
        }
        return minor
    }

    /// Minor units back to an exact amount in major units.
    static func major(_ minor: Int64, _ currency: CurrencyCode) -> Decimal {
        Decimal.scaled(minor, exponent: -currency.minorUnitExponent)
    }
}

/// The positions, WIP and transit as they were before the current source changed them (each key once, at its first
/// change), and how many entries, GRNI changes, position and transit changes there were.
struct PostingUndo {
    var entries: Int
    var grni: Int
    var positionChanges: Int
    var transitChanges: Int
    var positions: [ValuationKey: (StockPosition?, StockPosition?)] = [:]
    var workInProgress: [PlantWorkOrder: (WorkInProgress?, WorkInProgress?)] = [:]
    var inTransit: [TransitLine: (TransitValue?, TransitValue?)] = [:]

    func restore(_ ledger: inout PostingLedger) {
        ledger.outcome.entries.removeSubrange(entries...)
        ledger.outcome.grni.removeSubrange(grni...)
        ledger.outcome.positionChanges.removeSubrange(positionChanges...)
        ledger.outcome.transitChanges.removeSubrange(transitChanges...)
        for (key, (held, out)) in positions {
            ledger.snapshot.positions[key] = held
            ledger.outcome.positions[key] = out
        }
        for (key, (held, out)) in workInProgress {
            ledger.snapshot.workInProgress[key] = held
            ledger.outcome.workInProgress[key] = out
        }
        for (key, (held, out)) in inTransit {
            ledger.snapshot.inTransit[key] = held
            ledger.outcome.inTransit[key] = out
        }
    }
}

extension PostingLedger {
    /// Sets a position and keeps what it changed in the period the current source posts to (`placement` of its day),
    /// so the position at any period's end is the sum of the changes through that period. A position does not change
    /// where no period is open to post to.
    mutating func setPosition(_ key: ValuationKey, _ position: StockPosition) throws(AccountingRefusal) {
        let period = try Self.placement(of: origin?.day ?? "", in: try books(of: key.company)).period
        let before = snapshot.positions[key] ?? StockPosition()
        if undo.positions[key] == nil { undo.positions[key] = (snapshot.positions[key], outcome.positions[key]) }
        snapshot.positions[key] = position
        outcome.positions[key] = position
        outcome.positionChanges.append(PositionChange(
            key: key, period: period, quantity: position.quantity - before.quantity, value: position.value - before.value))
    }

    mutating func setWorkInProgress(_ key: PlantWorkOrder, _ wip: WorkInProgress) {
        if undo.workInProgress[key] == nil { undo.workInProgress[key] = (snapshot.workInProgress[key], outcome.workInProgress[key]) }
        snapshot.workInProgress[key] = wip
        outcome.workInProgress[key] = wip
    }

    /// Sets what a transfer line holds in transit and keeps the change in the period the current source posts to in
    /// the books carrying it, as `setPosition` does.
    mutating func setInTransit(_ key: TransitLine, _ transit: TransitValue) throws(AccountingRefusal) {
        let period = try Self.placement(of: origin?.day ?? "", in: try books(of: transit.company)).period
        let before = snapshot.inTransit[key]
        if undo.inTransit[key] == nil { undo.inTransit[key] = (snapshot.inTransit[key], outcome.inTransit[key]) }
        snapshot.inTransit[key] = transit
        outcome.inTransit[key] = transit
        outcome.transitChanges.append(TransitChange(
            line: key, company: transit.company, period: period, quantity: transit.quantity - (before?.quantity ?? 0),
            value: transit.value - (before?.value ?? 0)))
    }
}

/// Where the entries being posted come from: their source (its `part` counted per entry), the plant whose stock
/// positions they value, and the fact's day in that plant's time zone.
struct PostingOrigin {
    var source: EntrySource
    var plant: String
    var day: String
}

/// Where an entry posts: its period and day, and the fact's own day when that period was closed.
struct PostingPlacement: Equatable {
    var period: String
    var postingDate: String
    var originalDate: String?
    var note: String?
}

/// One line of an entry before rounding: its account and amount in the transaction currency (debit positive), and
/// its functional amount when that is not the amount converted (a stock value, exact in minor units: `fixed`, so a
/// rounding residue never lands on it).
struct DraftLine {
    var account: String
    var amount: Decimal
    var functional: Decimal?
    var fixed = false
    var item: String?
    var quantity: Int64?
    var tradingPartner: String?
    var customer: String?

    init(_ account: String, _ amount: Decimal, functional: Decimal? = nil, fixed: Bool = false, item: String? = nil,
         quantity: Int64? = nil, tradingPartner: String? = nil, customer: String? = nil) {
        self.account = account
        self.amount = amount
        self.functional = functional
        self.fixed = fixed
        self.item = item
        self.quantity = quantity
        self.tradingPartner = tradingPartner
        self.customer = customer
    }

    /// The same line on the other side, negated.
    func negated() -> DraftLine {
        var line = self
        line.amount = -amount
        line.functional = functional.map { -$0 }
        line.quantity = quantity.map { -$0 }
        return line
    }
}
