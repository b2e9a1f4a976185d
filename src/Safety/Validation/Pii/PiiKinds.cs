namespace Agents.Safety.Validation;

/// <summary>The kinds of personal or secret data <see cref="PiiDetector"/> looks for.</summary>
[Flags]
public enum PiiKinds
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Email addresses (also inside angle brackets or <c>mailto:</c> links).</summary>
    Email = 1,

    /// <summary>Phone numbers: E.164-style <c>+44 20 7946 0958</c>, North American <c>(415) 555-0132</c>, and trunk-prefixed national numbers such as <c>020 7946 0958</c>.</summary>
    Phone = 2,

    /// <summary>Payment card numbers of 13–19 digits (spaces or dashes allowed) that pass the Luhn check.</summary>
    PaymentCard = 4,

    /// <summary>IBANs (spaced or not) with the right length for their country that pass the mod-97 check.</summary>
    Iban = 8,

    /// <summary>US Social Security numbers written <c>123-45-6789</c>, excluding never-issued ranges.</summary>
    UsSsn = 16,

    /// <summary>IPv4 and IPv6 addresses.</summary>
    IpAddress = 32,

    /// <summary>API keys and secrets: well-known token prefixes, JWTs, private-key blocks, <c>password=…</c> assignments and long high-entropy strings.</summary>
    Secret = 64,

    /// <summary>Every kind.</summary>
    All = Email | Phone | PaymentCard | Iban | UsSsn | IpAddress | Secret,
}
