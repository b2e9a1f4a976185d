using System.Globalization;
using Agents.Backends.Http;

namespace Agents.Backends.Http.Tests;

/// <summary>The HTTP plumbing shared by both hosted backends (the Agents.Backends.Http project).</summary>
public sealed class SharedPlumbingTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("5", 5000)]
    [InlineData("0.5", 500)]
    [InlineData("0", 0)]
    [InlineData("999999999999", 60000)]
    public void RetryAfterParser_DeltaSeconds_ParsesAndCaps(string value, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), RetryAfterParser.Parse(value, Now, Cap));
    }

    [Theory]
    [InlineData("114h18m")]
    [InlineData("-3")]
    [InlineData("NaN")]
    [InlineData("soon")]
    [InlineData("")]
    public void RetryAfterParser_Garbage_ReturnsNull(string value)
    {
        Assert.Null(RetryAfterParser.Parse(value, Now, Cap));
    }

    [Fact]
    public void RetryAfterParser_HttpDate_ReturnsDelayCappedAndNeverNegative()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), RetryAfterParser.Parse(Now.AddSeconds(30).ToString("r", CultureInfo.InvariantCulture), Now, Cap));
        Assert.Equal(Cap, RetryAfterParser.Parse(Now.AddHours(5).ToString("r", CultureInfo.InvariantCulture), Now, Cap));
        Assert.Equal(TimeSpan.Zero, RetryAfterParser.Parse(Now.AddSeconds(-30).ToString("r", CultureInfo.InvariantCulture), Now, Cap));
    }

    [Fact]
    public void RetryAfterParser_MillisecondsHeaderWins_OverRetryAfter()
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("retry-after-ms", "1e12");
        response.Headers.TryAddWithoutValidation("Retry-After", "3");

        Assert.Equal(Cap, RetryAfterParser.Parse(response.Headers, Now, Cap));
    }

    [Fact]
    public void SecretRedactor_KeyAndKeyShapedTokens_AreMasked()
    {
        var redactor = new SecretRedactor("my-custom-secret");

        var text = redactor.Redact("a my-custom-secret b sk-proj-abcdefgh1234 c Bearer abc.def.ghi123 d");

        Assert.Equal("a *** b *** c *** d", text);
    }

    [Fact]
    public void StreamingToolCallAssembler_FragmentsOutOfOrder_AssemblesByIndex()
    {
        var assembler = new StreamingToolCallAssembler();
        assembler.Append(1, "b", "second", "{\"x\":");
        assembler.Append(0, "a", "first", null);
        assembler.Append(1, null, null, "1}");

        var calls = assembler.Drain();

        Assert.Equal([new ToolCall("a", "first", "{}"), new ToolCall("b", "second", "{\"x\":1}")], calls);
        Assert.False(assembler.HasCalls);
    }
}
