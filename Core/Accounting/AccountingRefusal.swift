import Foundation

/// Why something cannot be posted or a ledger action is refused, naming what is missing.
public struct AccountingRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        /// No rate for a currency pair on a date (never a silent 1.0).
        case missingRate = "missing-rate"
        /// No fiscal period of the company covers the date (or every later period is closed).
        case noOpenPeriod = "no-open-period"
        /// The company maps no accounts for a posting kind it needs.
        case missingMapping = "missing-mapping"
        /// Neither an `item-cost` of the company nor the item's own standard cost in its currency.
        case missingCost = "missing-cost"
        /// No price for a purchase order line or a transfer.
        case missingPrice = "missing-price"
        /// The company has no books (no company master, or it is not a company of the hub).
        case unknownCompany = "unknown-company"
        /// The period is closed already, or may not close yet (plants still owe events for it).
        case periodClosed = "period-closed"
        case periodNotClosable = "period-not-closable"
        /// An amount beyond what the ledger holds.
        case outOfRange = "out-of-range"
        case invalid
    }

    public var code: Code
    public var detail: String

    public init(_ code: Code, _ detail: String) {
        self.code = code
        self.detail = detail
    }

    public var description: String { detail }
}

extension AccountingRefusal: ProblemReporting {
    public var problem: ProblemDetails {
        let status: Int = switch code {
        case .missingRate, .noOpenPeriod, .missingMapping, .missingCost, .missingPrice, .periodClosed, .periodNotClosable: 409
        case .unknownCompany: 404
        case .outOfRange, .invalid: 422
        }
        return ProblemDetails(code: code.rawValue, title: "Refused", status: status, detail: detail)
    }
}
