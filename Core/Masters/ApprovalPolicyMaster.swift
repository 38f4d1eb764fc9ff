import Foundation

/// An `approval-policy` master as written: the subject it governs, its currency, the plant's limit and the tiers
/// of approving roles. `ApprovalPolicy` is what the approval rules decide with.
public struct ApprovalPolicyMaster: MasterView, Equatable {
    /// Up to which amount a role approves; `upTo` is nil for the last, open tier.
    public struct Tier: Sendable, Equatable, Decodable {
        public var upTo: Decimal?
        public var role: Role

        private enum CodingKeys: String, CodingKey { case upTo, role }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            upTo = try container.decimalTextIfPresent(forKey: .upTo)
            role = try container.decode(Role.self, forKey: .role)
        }
    }

    public static let kind = MasterKind.approvalPolicy
    public var key = ""
    public var company: String?
    public var active = true
    public var subject: ApprovalSubject
    /// A supplier category the policy is for; nil for every supplier.
    public var category: String?
    public var currency: CurrencyCode
    /// Up to this amount the plant decides on its own; nil: never.
    public var plantLimit: Decimal?
    public var tiers: [Tier]

    private enum CodingKeys: String, CodingKey { case subject, category, currency, plantLimit, tiers }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        subject = try container.decode(ApprovalSubject.self, forKey: .subject)
        category = try container.decodeIfPresent(String.self, forKey: .category)
        currency = try container.decode(CurrencyCode.self, forKey: .currency)
        // An unreadable limit is no limit: the hub decides.
        plantLimit = try? container.decimalTextIfPresent(forKey: .plantLimit)
        tiers = try container.decode([Tier].self, forKey: .tiers)
    }
}
