import Foundation

/// A transfer discrepancy as its settlement posts it: what was recorded, how it was settled, and both ends of the
/// transfer. docs/accounting.md ("Settled transfer discrepancies") states the rule.
public struct SettledDiscrepancy: Sendable, Equatable {
    /// `TRANSFER/n`: the reference of the entries the settlement posts (`settlement:TRANSFER/n:part`).
    public var discrepancy: String
    public var transfer: String
    public var line: Int
    public var item: String
    public var kind: TransferDiscrepancyRecorded.Kind
    public var quantity: Quantity
    public var resolution: DiscrepancySettlement.Resolution
    /// The receiving company and plant: they recorded the discrepancy, and the company carries the line in transit.
    public var company: String
    public var plant: String
    /// The sending company and plant: another company than `company` for an intercompany transfer.
    public var seller: String
    public var sellerPlant: String
    /// The transfer line's price, if it has one (else the price list's is the transfer price).
    public var price: Money?
    public var settledAt: Date
    /// The receiving plant's time zone, which makes `settledAt` a day.
    public var timeZone: String
    /// The day the buyer's purchase of the goods posted on (the dispatch of the unit they arrived in, in the sending
    /// plant's time zone), if known: a damaged quantity credited between companies leaves transit loss at its rate.
    public var purchasedOn: String?

    public init(discrepancy: String, transfer: String, line: Int, item: String, kind: TransferDiscrepancyRecorded.Kind,
                quantity: Quantity, resolution: DiscrepancySettlement.Resolution, company: String, plant: String, seller: String,
                sellerPlant: String, price: Money?, settledAt: Date, timeZone: String, purchasedOn: String? = nil) {
        self.discrepancy = discrepancy
        self.transfer = transfer
        self.line = line
        self.item = item
        self.kind = kind
        self.quantity = quantity
        self.resolution = resolution
        self.company = company
        self.plant = plant
        self.seller = seller
        self.sellerPlant = sellerPlant
        self.price = price
        self.settledAt = settledAt
        self.timeZone = timeZone
        self.purchasedOn = purchasedOn
    }

    /// The settlement's day in the receiving plant's time zone: the posting date when its period is open.
    public var day: String { ServiceLevel.day(of: settledAt, timeZone: timeZone) }

    /// Whether the settlement posts: a short quantity written off or credited, a damaged one credited between
    /// companies. Goods reshipped or found are still expected (they stay in transit until received); a damaged
    /// quantity went to transit loss at its receipt (written off, or credited within one company, it stays there),
    /// and an over one was received as it arrived.
    public var posts: Bool {
        switch kind {
        case .short: resolution == .writtenOff || resolution == .credited
        case .damaged: isIntercompanyCredit
        case .over: false
        }
    }

    /// A credit between two companies: the seller credits the buyer for what never arrived.
    var isIntercompanyCredit: Bool { resolution == .credited && seller != company }
}

extension PostingEngine {
    /// What settling `settled` needs read: nothing when it posts nothing.
    public static func needs(_ settled: SettledDiscrepancy) -> PostingNeeds {
        var needs = PostingNeeds()
        guard settled.posts else { return needs }
        needs.companies.insert(settled.company)
        // A damaged quantity left transit at its receipt: its credit takes nothing out of transit.
        if settled.kind == .short { needs.transitLines.insert(TransitLine(transfer: settled.transfer, line: settled.line)) }
        if settled.isIntercompanyCredit {
            needs.companies.insert(settled.seller)
            needs.items.insert(CompanyItem(company: settled.seller, item: settled.item))
            needs.positions.insert(ValuationKey(company: settled.seller, plant: settled.sellerPlant, item: settled.item))
        }
        return needs
    }

    /// The entries settling `settled` posts and the transfer line's transit as it then stands; a refusal posts
    /// nothing (the hub then refuses the settlement).
    public static func post(_ settled: SettledDiscrepancy, snapshot: PostingSnapshot) throws(AccountingRefusal) -> PostingOutcome {
        var ledger = PostingLedger(snapshot: snapshot)
        try ledger.postSettlement(settled)
        return ledger.outcome
    }
}

extension PostingLedger {
    /// A short quantity settled takes its in-transit value (the transfer line's unit value, the last unit what
    /// remains) out of transit; when the ledger carries nothing of the line in transit, it posts nothing. Written off, or credited within one company: Dr transit loss / Cr in transit. Credited
    /// between companies: the buyer Dr intercompany payable / Cr in transit at the transfer price (functional: the
    /// value taken); the seller Dr intercompany revenue / Cr intercompany receivable at the transfer price (at the
    /// daily rate of the settlement's day) and Dr transit loss / Cr intercompany cost of sales at its cost of the item
    /// now (standard, or the sending plant's moving average). Each side's intercompany lines name the other company.
    /// A damaged quantity credited between companies takes nothing out of transit (its receipt did): see
    /// `postDamagedCredit`.
    mutating func postSettlement(_ settled: SettledDiscrepancy) throws(AccountingRefusal) {
        guard settled.posts else { return }
        let books = try books(of: settled.company)
        begin(PostingOrigin(source: EntrySource(kind: .settlement, reference: settled.discrepancy, plant: settled.plant),
                            plant: settled.plant, day: settled.day))
        defer { origin = nil }
        guard settled.kind == .short else {
            return try postDamagedCredit(settled, buyer: books, seller: try self.books(of: settled.seller))
        }
        let key = TransitLine(transfer: settled.transfer, line: settled.line)
        // A line the ledger carries nothing of in transit (shipped before the company kept books here, its dispatch held,
        // or all of it taken already) has nothing to clear.
        guard var transit = snapshot.inTransit[key], transit.quantity > 0 else { return }
        guard transit.company == books.company else {
            throw AccountingRefusal(.invalid, "transfer \(settled.transfer) line \(settled.line) is in transit at \(transit.company), "
                + "settled for \(books.company)")
        }
        let quantity = min(settled.quantity.micro, transit.quantity)
        let value = try take(quantity, from: &transit, books)
        try setInTransit(key, transit)
        guard settled.isIntercompanyCredit else {
            let pair = try accounts(.transitLoss, books)
            return try write(.transitLoss, books, currency: books.functionalCurrency, rate: 1, [
                DraftLine(pair.debit, amount(value, books), fixed: true, item: settled.item),
                DraftLine(pair.credit, -amount(value, books), fixed: true, item: settled.item, quantity: -quantity),
            ])
        }
        try postCredit(settled, quantity: quantity, taken: value, buyer: books, seller: try self.books(of: settled.seller))
    }

    /// A damaged quantity credited between companies: the buyer takes back the loss it took at the receipt, Dr
    /// intercompany payable / Cr transit loss at the transfer price, in its functional currency at the rate its purchase
    /// used (the dispatch's day); the seller's side as for a short quantity credited.
    private mutating func postDamagedCredit(_ settled: SettledDiscrepancy, buyer: CompanyBooks, seller: CompanyBooks) throws(AccountingRefusal) {
        let price = try transferPrice(settled, buyer: buyer, seller: seller)
        guard let purchasedOn = settled.purchasedOn else {
            throw AccountingRefusal(.missingRate, "no purchase day for transfer \(settled.transfer) line \(settled.line): "
                + "the rate its loss was taken at is unknown")
        }
        let quantity = settled.quantity.micro
        let credited = Quantity(micro: quantity).decimal * price.amount
        let rate = try rate(price.currency, buyer, on: purchasedOn)
        let value = amount(try Self.minor(credited * rate, buyer.functionalCurrency), buyer)
        try write(.intercompanyPurchase, buyer, currency: price.currency, rate: rate, [
            DraftLine(try accounts(.intercompanyPurchase, buyer).credit, credited, functional: value, fixed: true,
                      tradingPartner: seller.company),
            DraftLine(try accounts(.transitLoss, buyer).debit, -credited, functional: -value, fixed: true, item: settled.item),
        ])
        try postSellerCredit(settled, quantity: quantity, price: price, buyer: buyer, seller: seller)
    }

    /// The transfer price of the settled line: the line's, else the price list's for seller, buyer and item.
    private func transferPrice(_ settled: SettledDiscrepancy, buyer: CompanyBooks, seller: CompanyBooks) throws(AccountingRefusal) -> Money {
        let priceKey = IntercompanyPriceKey(seller: seller.company, buyer: buyer.company, item: settled.item)
        guard let price = settled.price ?? snapshot.intercompanyPrices[priceKey] else {
            throw AccountingRefusal(.missingPrice, "no transfer price for \(settled.item) from \(seller.company) to \(buyer.company)")
        }
        return price
    }

    /// Both sides of an intercompany credit for `quantity` (micro) whose in-transit value at the buyer was `taken`.
    private mutating func postCredit(_ settled: SettledDiscrepancy, quantity: Int64, taken: Int64, buyer: CompanyBooks,
                                     seller: CompanyBooks) throws(AccountingRefusal) {
        let price = try transferPrice(settled, buyer: buyer, seller: seller)
        let credited = Quantity(micro: quantity).decimal * price.amount
        let purchase = try accounts(.intercompanyPurchase, buyer)
        try write(.intercompanyPurchase, buyer, currency: price.currency, rate: 1, [
            DraftLine(purchase.credit, credited, functional: amount(taken, buyer), fixed: true, tradingPartner: seller.company),
            DraftLine(purchase.debit, -credited, functional: -amount(taken, buyer), fixed: true, item: settled.item, quantity: -quantity,
                      tradingPartner: seller.company),
        ])
        try postSellerCredit(settled, quantity: quantity, price: price, buyer: buyer, seller: seller)
    }

    /// The seller's side of a credit for `quantity` (micro): Dr intercompany revenue / Cr intercompany receivable at
    /// the transfer price at the settlement day's rate, and Dr transit loss / Cr intercompany cost of sales at its cost
    /// of the item now, posted at the sending plant.
    private mutating func postSellerCredit(_ settled: SettledDiscrepancy, quantity: Int64, price: Money, buyer: CompanyBooks,
                                           seller: CompanyBooks) throws(AccountingRefusal) {
        let credited = Quantity(micro: quantity).decimal * price.amount
        origin?.plant = settled.sellerPlant
        origin?.source.plant = settled.sellerPlant
        let sale = try accounts(.intercompanySale, seller)
        try write(.intercompanySale, seller, currency: price.currency, rate: try rate(price.currency, seller, on: settled.day), [
            // The revenue line carries the quantity credited, negated as a reversal's: what stands sold shrinks by it.
            DraftLine(sale.credit, credited, item: settled.item, quantity: -quantity, tradingPartner: buyer.company),
            DraftLine(sale.debit, -credited, tradingPartner: buyer.company),
        ])
        let cost = amount(try value(quantity, at: try unitCost(settled.item, seller), seller), seller)
        try write(.intercompanyCostOfSales, seller, currency: seller.functionalCurrency, rate: 1, [
            DraftLine(try accounts(.transitLoss, seller).debit, cost, fixed: true, item: settled.item),
            DraftLine(try accounts(.intercompanyCostOfSales, seller).debit, -cost, fixed: true, item: settled.item,
                      tradingPartner: buyer.company),
        ])
    }
}
