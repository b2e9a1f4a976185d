using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

/// <summary>The cheap pre-checks in front of the PII secret scan and the blocklist: they may skip work, never finds.</summary>
public sealed class ScannerPrefilterTests
{
    private const string Secret = "Xk9Qm2Lp7Rt4Vw8Zb3Nc6Hd1Jf5Gs0Ty";

    private static readonly PiiDetector Secrets = new(PiiKinds.Secret);

    [Theory]
    [InlineData("a b c ", 6)]
    [InlineData("", 0)]
    [InlineData("some short words and then ", 26)]
    [InlineData("x\ny\n", 4)]
    public void Find_LongRunAfterShortWords_IsFoundWhereItStarts(string prefix, int start)
    {
        var match = Assert.Single(Secrets.Find(prefix + Secret + " tail"));

        Assert.Equal(start, match.Start);
        Assert.Equal(Secret.Length, match.Length);
    }

    [Fact]
    public void Find_LongRunAtTheVeryEnd_IsFound()
    {
        var text = "the key is " + Secret;

        var match = Assert.Single(Secrets.Find(text));

        Assert.Equal(text.Length, match.Start + match.Length);
    }

    [Fact]
    public void Find_RunOneShorterThanTheMinimum_IsNotASecret()
    {
        Assert.Empty(Secrets.Find("word " + Secret[..31] + " word"));
        Assert.Single(Secrets.Find("word " + Secret[..32] + " word"));
    }

    [Fact]
    public void Find_Base64Padding_IsPartOfTheSecret()
    {
        var match = Assert.Single(Secrets.Find("blob " + Secret + "== end"));

        Assert.Equal(Secret.Length + 2, match.Length);
    }

    [Theory]
    [InlineData("x=")]
    [InlineData("abc.def=")]
    public void Find_RunRightAfterAnEqualsSign_IsNotAnUnnamedSecret(string prefix)
    {
        Assert.Empty(Secrets.Find(prefix + Secret + " end"));
    }

    [Fact]
    public void Find_RunGluedToMoreTokenCharacters_IsTakenWhole()
    {
        var match = Assert.Single(Secrets.Find("k " + Secret + "Abc123 end"));

        Assert.Equal(Secret.Length + 6, match.Length);
    }

    [Theory]
    [InlineData("Our project   zeus plan", true)]
    [InlineData("PROJECT\tZEUS", true)]
    [InlineData("the Project Zeusian era", false)]
    [InlineData("a project about Zeus", false)]
    [InlineData("nothing to see here", false)]
    [InlineData("R\u00C9SUM\u00C9 attached", true)]
    [InlineData("resume attached", true)]
    [InlineData("CONFIDENTIAL", true)]
    public void Blocklist_PrefilterNeverHidesAMatch(string text, bool blocked)
    {
        var validator = new BlocklistOutputValidator(["project zeus", "r\u00E9sum\u00E9", "confidential"]);

        Assert.Equal(blocked, validator.Scan(text).Count > 0);
    }

    [Fact]
    public void Blocklist_TermThatStaysNonAsciiWhenFolded_IsFoundOnlyInTextThatHasIt()
    {
        var validator = new BlocklistOutputValidator(["stra\u00DFe"]);

        Assert.Single(validator.Scan("die Stra\u00DFe"));
        Assert.Empty(validator.Scan("die Strasse"));
    }
}
