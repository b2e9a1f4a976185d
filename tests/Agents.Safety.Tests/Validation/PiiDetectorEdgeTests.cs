using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

/// <summary>Edge cases of <see cref="PiiDetector"/> left by the earlier mutation tests: one-character texts and e-mail candidates hidden by overlaps.</summary>
public sealed class PiiDetectorEdgeTests
{
    private static (PiiKinds Kind, int Start, int Length)[] Spans(PiiDetector detector, string text) =>
        [.. detector.Find(text).Select(m => (m.Kind, m.Start, m.Length))];

    [Theory]
    [InlineData("7")]
    [InlineData("0")]
    public void Find_TextThatIsASingleDigit_FindsNothing(string text)
    {
        // The digit pre-count must stop at the text's last digit, also when that digit is the whole text.
        Assert.Empty(new PiiDetector().Find(text));
    }

    [Fact]
    public void Find_AddressWhoseLocalPartStartsInsideTheAddressBefore_IsNoSeparateFind()
    {
        // "4567@b.com" is the e-mail (as the whole-text pattern reads it); "b.com.x@y.com" starts inside it and is
        // no e-mail of its own. The phone, starting earlier, hides the e-mail: the phone alone remains.
        const string text = "+1 555 123 4567@b.com.x@y.com";

        var email = Assert.Single(PiiDetector.EmailPattern().Matches(text));
        Assert.Equal((11, 10), (email.Index, email.Length));
        Assert.Equal([(PiiKinds.Phone, 0, 15)], Spans(new PiiDetector(PiiKinds.Phone | PiiKinds.Email), text));
        Assert.Equal([(PiiKinds.Email, 11, 10)], Spans(new PiiDetector(PiiKinds.Email), text));
    }

    [Fact]
    public void Find_CardShapedRunOfNonAsciiDigits_IsNoCardAndDoesNotThrow()
    {
        // The card pattern's \d also reads Arabic-Indic digits; the 13 ASCII digits let the card search run, and the
        // Arabic-Indic run, with no ASCII digit to end a prefix on, must be given up without reading before its start.
        const string text = "Order 1234567890123 in Arabic-Indic digits reads \u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662\u0663 here";

        Assert.Empty(new PiiDetector().Find(text));
        Assert.Empty(new PiiDetector(PiiKinds.PaymentCard).Find(text));
    }
}
