import Foundation

/// A kind of posting: the key of the `account-mapping` master that names its debit and credit accounts, per
/// company. A posting of a negative amount swaps the two (a count loss debits what a count gain credits).
/// docs/accounting.md gives each kind's accounts and a worked example.
public enum PostingKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// Goods received against a purchase order: Dr inventory / Cr goods received not invoiced (GRNI).
    case receipt
    /// The PO price over the cost stock takes or gives up: a standard-cost receipt's (or transfer receipt's) price
    /// over standard, and a return's price against what the position gives up (under both methods). A third line of
    /// the receipt or return entry on the mapping's debit account.
    case purchasePriceVariance = "purchase-price-variance"
    /// Goods sent back to the supplier: Dr GRNI / Cr inventory.
    case returnToSupplier = "return-to-supplier"
    /// A supplier invoice matched to receipts: Dr GRNI / Cr accounts payable.
    case supplierInvoice = "supplier-invoice"
    /// The invoice price over the PO price: Dr invoice price variance / Cr accounts payable.
    case invoicePriceVariance = "invoice-price-variance"
    /// What a foreign-currency invoice's AP, at the invoice day's rate, differs by in functional currency from what
    /// its receipts put into GRNI, at theirs (IAS 21): a line of the `supplier-invoice` entry, a loss on the mapping's
    /// debit account, a gain on its credit account.
    case exchangeDifference = "exchange-difference"
    /// Freight, duty, insurance allocated to receipt lines and capitalised: Dr inventory / Cr accounts payable.
    case landedCost = "landed-cost"
    /// Material issued to a work order: Dr work in progress / Cr inventory.
    case issueToProduction = "issue-to-production"
    /// Labour and overhead absorbed by a work order from routing times and work-centre rates: Dr WIP / Cr absorbed.
    case conversionAbsorption = "conversion-absorption"
    /// A work order's output at standard: Dr finished goods / Cr WIP.
    case productionOutput = "production-output"
    /// Material used over the bill of materials' standard, at standard cost: Dr usage variance / Cr WIP.
    case materialUsageVariance = "material-usage-variance"
    /// What stays in WIP once a work order closes, beyond usage: Dr production variance / Cr WIP.
    case productionVariance = "production-variance"
    /// Stock scrapped: Dr scrap expense / Cr inventory.
    case scrap
    /// A count found more (or, negative, less) than the books: Dr inventory / Cr inventory adjustment.
    case inventoryAdjustment = "inventory-adjustment"
    /// Stock moved into quarantine (negative: released from it): Dr quarantined stock / Cr inventory. Without a
    /// mapping for it, a move into quarantine posts nothing.
    case quarantine
    /// Goods shipped to a customer: Dr cost of goods sold / Cr finished goods.
    case costOfSales = "cost-of-sales"
    /// A priced customer shipment: Dr trade receivables / Cr revenue.
    case revenue
    /// Goods shipped to another company of the group: Dr intercompany cost of sales / Cr inventory.
    case intercompanyCostOfSales = "intercompany-cost-of-sales"
    /// ... and their sale at the transfer price: Dr intercompany receivable / Cr intercompany revenue.
    case intercompanySale = "intercompany-sale"
    /// The buying company's side at dispatch: Dr inventory in transit / Cr intercompany payable.
    case intercompanyPurchase = "intercompany-purchase"
    /// A transfer between plants of one company leaving: Dr inventory in transit / Cr inventory.
    case transitOut = "transit-out"
    /// A transferred unit received: Dr inventory / Cr inventory in transit.
    case transitReceipt = "transit-receipt"
    /// A transferred quantity written off (short or damaged, settled so): Dr transit loss / Cr inventory in transit.
    case transitLoss = "transit-loss"

    public static func < (lhs: PostingKind, rhs: PostingKind) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
