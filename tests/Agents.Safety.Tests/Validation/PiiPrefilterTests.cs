using Agents.Safety.Validation;

namespace Agents.Safety.Tests.Validation;

/// <summary>
/// The detector's shortcuts (e-mail search anchored at each '@', the IPv6 pre-check) must find exactly what a
/// whole-text scan finds: compared here with the reference pattern, and checked with the trigger absent and present.
/// </summary>
public sealed class PiiPrefilterTests
{
    private static readonly PiiDetector EmailOnly = new(PiiKinds.Email);

    [Theory]
    [InlineData("write to ana.lopez+news@mail.example.co.uk today")]
    [InlineData("a@b.com@c.org and x@y.io")]
    [InlineData("@@ lone @ signs @example.com and me@ and @you")]
    [InlineData("first@one.org,second@two.net;third@three.dev")]
    [InlineData("user@@double.com and ok@fine.com")]
    [InlineData("=bob@example.com= and bob@example (no dot) and ok_1@x-y.travel")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@long.com and short@long.com")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@sixty-four.com")]
    [InlineData("no addresses here at all")]
    public void Find_Emails_SameAsWholeTextScan(string text)
    {
        var expected = PiiDetector.EmailPattern().Matches(text).Select(m => (m.Index, m.Length)).ToList();

        var actual = EmailOnly.Find(text).Select(m => (m.Start, m.Length)).ToList();

        Assert.Equal(expected, actual);
    }

    [Fact]
    public void Find_LocalPartOfExactlySixtyFourCharacters_IsFound()
    {
        var address = new string('a', 64) + "@x.com";

        var match = Assert.Single(EmailOnly.Find($"to {address}."));

        Assert.Equal(address.Length, match.Length);
    }

    [Fact]
    public void Find_LocalPartOfSixtyFiveCharacters_IsNotFound() =>
        Assert.Empty(EmailOnly.Find($"to {new string('a', 65)}@x.com."));

    [Theory]
    [InlineData("Note: meet at 10:30 today")]
    [InlineData("ratio 3:4, then: done")]
    [InlineData("no colon at all")]
    [InlineData("key: value; other: thing")]
    public void HasIpv6Candidate_NoRunWithTwoColons_IsFalse(string text) => Assert.False(PiiDetector.HasIpv6Candidate(text));

    [Theory]
    [InlineData("host fe80::1 is up")]
    [InlineData("Note: 2001:db8:0:0:0:0:2:1")]
    [InlineData("ends with ::")]
    [InlineData("time 10:30:15")]
    public void HasIpv6Candidate_RunWithTwoColons_IsTrue(string text) => Assert.True(PiiDetector.HasIpv6Candidate(text));

    [Fact]
    public void Find_Ipv6AfterProseColon_IsStillFound()
    {
        var text = "Server: 2001:db8::8a2e:370:7334 answers";

        var match = Assert.Single(new PiiDetector(PiiKinds.IpAddress).Find(text));

        Assert.Equal("2001:db8::8a2e:370:7334", text.Substring(match.Start, match.Length));
    }
}
