using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

/// <summary>Boundary cases of <see cref="PiiDetector"/>, <see cref="IbanCheck"/> and <see cref="LuhnCheck"/> that pin exact spans and kinds.</summary>
public sealed class PiiDetectorMutationTests
{
    // 32 distinct characters: upper, lower (an even number of them) and digits, 5 bits per character.
    private const string Secret32 = "ABCDEFGHIJabcdefghij0123456789KL";

    private static readonly PiiDetector Detector = new();

    private static (PiiKinds Kind, int Start, int Length)[] Spans(string text) =>
        [.. Detector.Find(text).Select(m => (m.Kind, m.Start, m.Length))];

    [Fact]
    public void Find_CardAtTheVeryStart_IsFound()
    {
        Assert.Equal([(PiiKinds.PaymentCard, 0, 16)], Spans("4111111111111111 is mine"));
    }

    [Fact]
    public void Find_CardAfterALoneDigitFarAhead_IsFound()
    {
        // The digit count jumps between digits: a lone digit followed by a gap must still count the card's digits.
        Assert.Equal([(PiiKinds.PaymentCard, 8, 19)], Spans("No 1 is 4111 1111 1111 1111."));
    }

    [Fact]
    public void Find_NineteenDigitCard_IsFoundWhole()
    {
        // 19 digits is the longest card; no shorter prefix of this number passes Luhn.
        Assert.Equal([(PiiKinds.PaymentCard, 5, 19)], Spans("Card 4021111111111111111 ok"));
    }

    [Fact]
    public void Find_FifteenDigitPhone_IsFound()
    {
        Assert.Equal([(PiiKinds.Phone, 5, 20)], Spans("Call +44 20 7946 0958 123 now"));
    }

    [Fact]
    public void Find_SsnAndLongerPhoneAtTheSameStart_KeepsTheLongerPhone()
    {
        // "012-34-5678" is an SSN and "012-34-5678 90" a phone, both starting at 5: the longest wins.
        Assert.Equal([(PiiKinds.Phone, 5, 14)], Spans("Call 012-34-5678 90 now"));
    }

    [Fact]
    public void Find_AdjacentFinds_AreBothKept()
    {
        // The phone starts exactly where the private-key header ends.
        Assert.Equal(
            [(PiiKinds.Secret, 0, 31), (PiiKinds.Phone, 31, 12)],
            Spans("-----BEGIN RSA PRIVATE KEY-----555-555-5555"));
    }

    [Fact]
    public void Find_KnownTokenAtTheVeryStart_IsASecret()
    {
        Assert.Equal([(PiiKinds.Secret, 0, 23)], Spans("sk-abcdefghijklmnopqrst"));
    }

    [Fact]
    public void Find_Ipv6WithExactlyTwoColons_IsFound()
    {
        Assert.Equal([(PiiKinds.IpAddress, 5, 7)], Spans("host fe80::1 up"));
    }

    [Theory]
    [InlineData("::1", true)]
    [InlineData("fe80::1", true)]
    [InlineData("time 10:30", false)]
    [InlineData("x:y", false)]
    [InlineData("a:b c:d", false)]
    public void HasIpv6Candidate_NeedsTwoColonsInOneHexRun(string text, bool expected)
    {
        Assert.Equal(expected, PiiDetector.HasIpv6Candidate(text));
    }

    [Fact]
    public void Find_KindsNotAskedFor_AreNotFound()
    {
        const string text = "IBAN GB82WEST12345698765432, SSN 123-45-6789, call 030 12345678";
        Assert.Equal(3, Spans(text).Length);

        Assert.Empty(new PiiDetector(PiiKinds.Email).Find(text));
        Assert.Empty(new PiiDetector(PiiKinds.Phone).Find("mail a@b.example"));
    }

    [Fact]
    public void Find_HighEntropyRun_WithTwoPaddingCharacters_IncludesThem()
    {
        Assert.Equal([(PiiKinds.Secret, 0, 34)], Spans(Secret32 + "=="));
    }

    [Fact]
    public void Find_HighEntropyRun_WithThreePaddingCharacters_IsNotASecret()
    {
        Assert.Empty(Detector.Find(Secret32 + "==="));
    }

    [Fact]
    public void Find_HighEntropyRunRightAfterAnEqualsSign_IsNotASecret()
    {
        Assert.Empty(Detector.Find("=x" + Secret32));
    }

    [Fact]
    public void LooksLikeSecret_LengthBoundary_Is32()
    {
        Assert.True(PiiDetector.LooksLikeSecret(Secret32));
        Assert.False(PiiDetector.LooksLikeSecret(Secret32.AsSpan(0, 31)));
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz012345")]
    [InlineData("ABCDEFGHIJKLMNOPQRSTUVWXYZ012345")]
    [InlineData("ABCDEFGHIJKLMNOPabcdefghijklmnop")]
    public void LooksLikeSecret_MissingUpperLowerOrDigit_IsFalse(string value)
    {
        Assert.False(PiiDetector.LooksLikeSecret(value));
    }

    [Fact]
    public void LooksLikeSecret_ExactlyFourBitsPerCharacter_IsTrue()
    {
        // 16 characters twice each over 32: log2(32) - 32/32 = 4 exactly.
        Assert.True(PiiDetector.LooksLikeSecret("ABCDEabcde012345ABCDEabcde012345"));
    }

    [Fact]
    public void LooksLikeSecret_JustBelowFourBitsPerCharacter_IsFalse()
    {
        // One character four times and 14 twice: 5 - (8 + 28)/32 = 3.875 bits.
        Assert.False(PiiDetector.LooksLikeSecret("AAAABBCCDDEEFFaabbccddee00112233"));
    }

    [Fact]
    public void LooksLikeSecret_ACharacterRepeated257Times_IsLowEntropy()
    {
        var value = new string('a', 257) + "ABCDEFGHIJKLMNOPQRSTUVWXYZbcdefghijklmnopqrstuvwxyz0123456789+/_";

        Assert.False(PiiDetector.LooksLikeSecret(value));
    }

    [Theory]
    [InlineData("GB82WEST12345698765432", true)]
    [InlineData("GBD2WEST12345698765432", false)]
    [InlineData("GB0ZWEST12345698765432", false)]
    [InlineData("GBAKWEST12345698765432", false)]
    public void IbanCheck_CheckDigitsMustBeDigits(string iban, bool expected)
    {
        // The three rejected ones pass mod-97 and have the United Kingdom's length: only their check digits are wrong.
        Assert.Equal(expected, IbanCheck.IsValid(iban));
    }

    [Fact]
    public void IbanCheck_MoreThanFortyCharacters_IsFalse()
    {
        Assert.False(IbanCheck.IsValid(new string('1', 45)));
    }

    [Theory]
    [InlineData("18", true)]
    [InlineData("00", true)]
    [InlineData("0", false)]
    [InlineData("8", false)]
    [InlineData("19", false)]
    public void LuhnCheck_TwoDigitsAreEnough(string number, bool expected)
    {
        Assert.Equal(expected, LuhnCheck.IsValid(number));
    }
}
