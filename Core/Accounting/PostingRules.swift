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
                    if let partner = shipment.tradingPartner { needs.items.insert(CompanyItem(company: partner, item: line.item)) }
                }
            case .transferUnitReceived(let receipt):
                for line in receipt.contents { needs.items.insert(CompanyItem(company: source.company, item: line.item)) }
            case .workOrderCompleted(let completed):
                needs.items.insert(CompanyItem(company: source.company, item: completed.item))
                needs.workOrders.insert(PlantWorkOrder(plant: source.plant, workOrder: completed.workOrder))
            }
        }
        return needs
    }

    /// Posts `sources` in order against `snapshot`; positions and WIP carry from one source to the next.
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

/// The running state of one run of postings.
struct PostingLedger {
    var snapshot: PostingSnapshot
    var outcome = PostingOutcome()

    init(snapshot: PostingSnapshot) {
        self.snapshot = snapshot
    }

    mutating func post(_ source: PostingSource) throws(AccountingRefusal) {
        guard let books = snapshot.books[source.company] else {
            throw AccountingRefusal(.unknownCompany, "no books for company \(source.company)")
        }
        switch source.event {
        case .stockMoved(let move) where move.kind == .receipt:
            try postReceipt(move, source, books)
        default:
            return
        }
    }

    /// A receipt against a purchase order line at standard cost: inventory at standard, GRNI at the PO price,
    /// the difference to purchase price variance.
    private mutating func postReceipt(_ move: StockMoved, _ source: PostingSource, _ books: CompanyBooks) throws(AccountingRefusal) {
        guard let reference = move.reference, reference.kind == .purchaseOrderLine else { return }
        let line = PlantOrderLine(plant: source.plant, line: reference.id)
        guard let price = snapshot.orderLinePrices[line] else {
            throw AccountingRefusal(.missingPrice, "no price for purchase order line \(reference.id) at \(source.plant)")
        }
        guard let pair = books.mapping[.receipt] else {
            throw AccountingRefusal(.missingMapping, "company \(books.company) maps no accounts for receipt")
        }
        let day = source.day
        guard let period = books.periods.first(where: { $0.start <= day && day <= $0.end && !books.closedPeriods.contains($0.key) }) else {
            throw AccountingRefusal(.noOpenPeriod, "no open fiscal period of \(books.company) for \(day)")
        }
        let rate = try snapshot.rates.daily(from: price.currency, to: books.functionalCurrency, on: day)
        let amount = Money(amount: price.amount * move.quantity.decimal, currency: price.currency).roundedToMinorUnit()
        let functional = Money(amount: amount.amount * rate.rate, currency: books.functionalCurrency).roundedToMinorUnit()
        guard let minor = amount.minorUnits, let functionalMinor = functional.minorUnits else {
            throw AccountingRefusal(.outOfRange, "receipt of \(move.quantity) \(move.item) at \(price) is beyond the ledger")
        }
        outcome.entries.append(JournalEntry(
            company: books.company,
            source: EntrySource(kind: .event, reference: source.eventID.uuidString, plant: source.plant, sequence: source.sequence),
            kind: .receipt, postingDate: day, period: period.key, transactionCurrency: price.currency,
            functionalCurrency: books.functionalCurrency,
            lines: [
                JournalLine(account: pair.debit, amount: minor, functionalAmount: functionalMinor, item: move.item, quantity: move.quantity.micro),
                JournalLine(account: pair.credit, amount: -minor, functionalAmount: -functionalMinor),
            ]))
    }
}
