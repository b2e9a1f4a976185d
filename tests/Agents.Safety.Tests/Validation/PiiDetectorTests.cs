using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

public sealed class PiiDetectorTests
{
    private static readonly PiiDetector Detector = new();

    private static PiiMatch Single(string text, PiiKinds kind)
    {
        var match = Assert.Single(Detector.Find(text));
        Assert.Equal(kind, match.Kind);
        return match;
    }

    [Theory]
    [InlineData("4111 1111 1111 1111")]
    [InlineData("4111-1111-1111-1111")]
    [InlineData("4111111111111111")]
    [InlineData("5555 5555 5555 4444")]
    [InlineData("3782 822463 10005")]
    [InlineData("6011-1111-1111-1117")]
    [InlineData("2223003122003222")]
    public void Find_CardWithSpacesOrDashes_FindsExactlyTheNumber(string card)
    {
        var text = $"Pay with {card}, thanks.";

        var match = Single(text, PiiKinds.PaymentCard);

        Assert.Equal(card, text.Substring(match.Start, match.Length));
    }

    [Fact]
    public void Find_RunAfterAnotherRunAndAnEqualsSign_IsTreatedLikeAValueAfterEquals()
    {
        // The scan used to restart one character into the second run, so "S1=S2" reported S2 minus its first
        // character (and redaction left that character showing), while "=S2" alone reports nothing.
        const string first = "Q7xK9mP2vL8nR4tW6yB3cF5hJ1dG0sA9zXe";
        const string second = "T4uV8wY2pN6qM3kH7jD9fS1gL5zC0bR8xAe";
        var secrets = new PiiDetector(PiiKinds.Secret);

        Assert.Empty(secrets.Find("=" + second));
        Assert.Empty(secrets.Find(first + "=" + second));
        Assert.Single(secrets.Find(second));
    }

    [Fact]
    public void Find_SsnAndIpv4AtTheirFewestDigits_AreFound()
    {
        Assert.Equal(11, Single("SSN 123-45-6789.", PiiKinds.UsSsn).Length);
        Assert.Equal(7, Single("Host 1.2.3.4 up.", PiiKinds.IpAddress).Length);
        Assert.Empty(Detector.Find("Version 1.2.3 up."));
    }

    [Fact]
    public void Find_NumbersInOtherScripts_AreNotSsnsOrAddresses()
    {
        // Only ASCII digits count: Arabic-Indic digits shaped like an SSN or an address are left alone.
        Assert.Empty(Detector.Find("\u0661\u0662\u0663-\u0664\u0665-\u0666\u0667\u0668\u0669 and 1\u0660.\u0660.\u0660.\u0661"));
    }

    [Fact]
    public void Find_CardAndPhoneAtTheirFewestDigits_AreFoundThoughTheDigitCountSkipsShorterTexts()
    {
        // 13 digits is the shortest card (a 13-digit Visa) and 8 the shortest phone: the digit-count pre-check must
        // let texts with exactly that many through.
        var card = Single("Old card 4222222222222 here.", PiiKinds.PaymentCard);
        Assert.Equal(13, card.Length);
        var phone = Single("Ring 030 12345 now.", PiiKinds.Phone);
        Assert.Equal(9, phone.Length);
        Assert.Empty(Detector.Find("Ring 030 1234 now."));
    }

    [Theory]
    [InlineData("4111 1111 1111 1112")]
    [InlineData("1234 5678 9012 3456")]
    [InlineData("4111111111111")]
    [InlineData("9999 9999 9999 9995")]
    public void Find_LuhnFailingOrNonCardDigitRun_FindsNoCard(string digits)
    {
        Assert.DoesNotContain(Detector.Find($"Reference {digits} only."), m => m.Kind == PiiKinds.PaymentCard);
    }

    [Fact]
    public void Find_CardFollowedByAStrayDigit_StillFindsTheCard()
    {
        var match = Single("card 4111 1111 1111 1111 7", PiiKinds.PaymentCard);

        Assert.Equal("4111 1111 1111 1111".Length, match.Length);
    }

    [Theory]
    [InlineData("<alice@example.com>", "alice@example.com")]
    [InlineData("mailto:bob.smith+tag@mail.example.co.uk", "bob.smith+tag@mail.example.co.uk")]
    [InlineData("Write to CAROL@EXAMPLE.ORG.", "CAROL@EXAMPLE.ORG")]
    [InlineData("(dave_99@sub.example.net)", "dave_99@sub.example.net")]
    public void Find_EmailInBracketsOrLinks_FindsJustTheAddress(string text, string expected)
    {
        var match = Single(text, PiiKinds.Email);

        Assert.Equal(expected, text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("user@localhost")]
    [InlineData("alice at example dot com")]
    [InlineData("@handle on social media")]
    public void Find_NotAnEmail_FindsNothing(string text) => Assert.Empty(Detector.Find(text));

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 00")]
    [InlineData("GB82 WEST 1234 5698 7654 32")]
    [InlineData("GB82WEST12345698765432")]
    [InlineData("FR14 2004 1010 0505 0001 3M02 606")]
    [InlineData("NL91 ABNA 0417 1643 00")]
    [InlineData("ES91 2100 0418 4502 0005 1332")]
    [InlineData("IT60 X054 2811 1010 0000 0123 456")]
    [InlineData("BE68 5390 0754 7034")]
    [InlineData("NO93 8601 1117 947")]
    [InlineData("PL61 1090 1014 0000 0712 1981 2874")]
    public void Find_IbanOfSeveralCountries_FindsExactlyTheIban(string iban)
    {
        var text = $"Wire to {iban} please";

        var match = Single(text, PiiKinds.Iban);

        Assert.Equal(iban, text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("DE89 3704 0044 0532 0130 01")]
    [InlineData("DE89 3704 0044 0532 0130")]
    [InlineData("ZZ89 3704 0044 0532 0130 00")]
    public void Find_IbanWithBadChecksumLengthOrCountry_FindsNoIban(string text)
    {
        Assert.DoesNotContain(Detector.Find(text), m => m.Kind == PiiKinds.Iban);
    }

    [Fact]
    public void Find_IbanFollowedByCapitalisedWord_EndsAtTheCountryLength()
    {
        var text = "Account DE89 3704 0044 0532 0130 00 THANKS";

        var match = Single(text, PiiKinds.Iban);

        Assert.Equal("DE89 3704 0044 0532 0130 00", text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("+44 20 7946 0958")]
    [InlineData("+1 (415) 555-0132")]
    [InlineData("(212) 555-0187")]
    [InlineData("415-555-0199")]
    [InlineData("+33 1 42 68 53 00")]
    [InlineData("020 7946 0958")]
    [InlineData("+81 3-1234-5678")]
    [InlineData("+91 98765 43210")]
    public void Find_PhoneInCommonFormats_FindsIt(string phone)
    {
        var text = $"Call {phone} today";

        var match = Single(text, PiiKinds.Phone);

        Assert.Equal(phone, text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("Meeting on 2024-01-15 at 12:30:45.")]
    [InlineData("Version 10.0.19045.3803 is out.")]
    [InlineData("The price is $1,234.56.")]
    [InlineData("ISBN 978-3-16-148410-0")]
    [InlineData("Call 911 now.")]
    public void Find_NumbersThatAreNotPhones_FindsNothing(string text) => Assert.Empty(Detector.Find(text));

    [Theory]
    [InlineData("SSN 123-45-6789.", true)]
    [InlineData("SSN 000-45-6789.", false)]
    [InlineData("SSN 666-45-6789.", false)]
    [InlineData("SSN 912-45-6789.", false)]
    [InlineData("SSN 123-00-6789.", false)]
    [InlineData("SSN 123-45-0000.", false)]
    public void Find_Ssn_ExcludesNeverIssuedRanges(string text, bool expected)
    {
        Assert.Equal(expected, Detector.Find(text).Any(m => m.Kind == PiiKinds.UsSsn));
    }

    [Theory]
    [InlineData("Server 192.168.1.10 is down.", "192.168.1.10")]
    [InlineData("Use 2001:db8::1 instead.", "2001:db8::1")]
    [InlineData("fe80::1ff:fe23:4567:890a on eth0", "fe80::1ff:fe23:4567:890a")]
    public void Find_IpAddresses_FindsThem(string text, string expected)
    {
        var match = Single(text, PiiKinds.IpAddress);

        Assert.Equal(expected, text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("Not an address: 256.1.1.1")]
    [InlineData("time 12:30:45")]
    [InlineData("std::vector<int>")]
    public void Find_NotAnIp_FindsNothing(string text) => Assert.Empty(Detector.Find(text));

    [Theory]
    [InlineData("sk-proj-Abc123Def456Ghi789Jkl012Mno345")]
    [InlineData("ghp_16C7e42F292c6912E7710c838347Ae178B4a")]
    [InlineData("AKIAIOSFODNN7EXAMPLE")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U")]
    [InlineData("Xk9Qm2Lp7Rt4Vw8Zb3Nc6Hd1Jf5Gs0TyQ")]
    public void Find_ApiKeysAndSecrets_FindsThem(string secret)
    {
        var match = Single($"key: {secret} end", PiiKinds.Secret);

        Assert.Equal(secret.Length, match.Length);
    }

    [Fact]
    public void Find_PasswordAssignment_FindsOnlyTheValue()
    {
        var text = "password=Hunter2Hunter2 ok";

        var match = Single(text, PiiKinds.Secret);

        Assert.Equal("Hunter2Hunter2", text.Substring(match.Start, match.Length));
    }

    [Theory]
    [InlineData("sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("id 123e4567-e89b-12d3-a456-426614174000")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaA1")]
    public void Find_HashesAndIdsThatAreNotSecrets_FindsNothing(string text) => Assert.Empty(Detector.Find(text));

    [Fact]
    public void Find_KindsRestricted_IgnoresOtherKinds()
    {
        var detector = new PiiDetector(PiiKinds.Email);

        var found = detector.Find("alice@example.com 4111 1111 1111 1111 192.168.1.1");

        Assert.Equal(PiiKinds.Email, Assert.Single(found).Kind);
    }

    [Fact]
    public void Find_SeveralKinds_ReportsThemInOrderWithoutOverlap()
    {
        var found = Detector.Find("a@b.example 4111111111111111 123-45-6789");

        Assert.Equal([PiiKinds.Email, PiiKinds.PaymentCard, PiiKinds.UsSsn], found.Select(m => m.Kind));
        Assert.All(found.Zip(found.Skip(1)), pair => Assert.True(pair.First.End <= pair.Second.Start));
    }

    [Theory]
    [InlineData("79927398713", true)]
    [InlineData("79927398710", false)]
    [InlineData("4111-1111-1111-1111", true)]
    [InlineData("4111x1111", false)]
    [InlineData("0", false)]
    public void LuhnCheck_IsValid_MatchesTheChecksum(string number, bool expected) => Assert.Equal(expected, LuhnCheck.IsValid(number));

    [Theory]
    [InlineData("de89 3704 0044 0532 0130 00", true)]
    [InlineData("DE89370400440532013000", true)]
    [InlineData("DE88370400440532013000", false)]
    [InlineData("US89370400440532013000", false)]
    [InlineData("DE89-3704", false)]
    public void IbanCheck_IsValid_ChecksCountryLengthAndMod97(string iban, bool expected) => Assert.Equal(expected, IbanCheck.IsValid(iban));
}
