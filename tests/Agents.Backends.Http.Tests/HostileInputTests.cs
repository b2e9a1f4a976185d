using System.Text;
using Agents.Backends.Http;

namespace Agents.Backends.Http.Tests;

/// <summary>The base's own defences: the SSE event cap, bounded body reads, endpoint and secret redaction.</summary>
public sealed class HostileInputTests
{
    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public async Task SseEventLimitStream_EventsUnderTheCap_PassThroughWhateverTheLineEnding(string newline)
    {
        var oneEvent = "data: " + new string('x', 40) + newline + "data: y" + newline + newline;
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat(oneEvent, 1000)));
        await using var stream = new SseEventLimitStream(new MemoryStream(bytes), 64, () => new InvalidDataException("cap"));

        var copy = new MemoryStream();
        await stream.CopyToAsync(copy, 7);

        Assert.Equal(bytes, copy.ToArray());
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task SseEventLimitStream_LinesWithoutBlankLine_ThrowAtTheCap(string newline)
    {
        var bytes = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("data: 0123456789" + newline, 20)));
        await using var stream = new SseEventLimitStream(new MemoryStream(bytes), 100, () => new InvalidDataException("cap"));

        await Assert.ThrowsAsync<InvalidDataException>(() => stream.CopyToAsync(Stream.Null, 5));
    }

    [Fact]
    public void SseEventLimitStream_EventOfExactlyTheCap_Passes()
    {
        var bytes = Encoding.UTF8.GetBytes("data: 1234\n\n");
        using var stream = new SseEventLimitStream(new MemoryStream(bytes), 10, () => new InvalidDataException("cap"));

        var read = stream.Read(new byte[64], 0, 64);

        Assert.Equal(bytes.Length, read);
    }

    [Fact]
    public void SseEventLimitStream_EventOneByteOverTheCap_Throws()
    {
        var bytes = Encoding.UTF8.GetBytes("data: 12345\n\n");
        using var stream = new SseEventLimitStream(new MemoryStream(bytes), 10, () => new InvalidDataException("cap"));

        Assert.Throws<InvalidDataException>(() => stream.Read(new byte[64], 0, 64));
    }

    [Fact]
    public async Task BoundedBodyReader_LongerThanTheCap_ReturnsTheCapAndExceeded()
    {
        using var source = new MemoryStream(new byte[10_000]);

        var (data, exceeded) = await BoundedBodyReader.ReadAsync(source, 4096, CancellationToken.None);

        Assert.True(exceeded);
        Assert.Equal(4096, data.Length);
    }

    [Theory]
    [InlineData(4096, false)]
    [InlineData(4097, true)]
    public async Task BoundedBodyReader_AtTheBoundary_ExceededOnlyPastIt(int length, bool expected)
    {
        using var source = new MemoryStream(Enumerable.Range(0, length).Select(i => (byte)i).ToArray());

        var (data, exceeded) = await BoundedBodyReader.ReadAsync(source, 4096, CancellationToken.None);

        Assert.Equal(expected, exceeded);
        Assert.Equal(Math.Min(length, 4096), data.Length);
        Assert.Equal((byte)((Math.Min(length, 4096) - 1) % 256), data[^1]);
    }

    [Theory]
    [InlineData("http://user:secret@host:8080/v1/", "http://***@host:8080/v1/")]
    [InlineData("https://token@api.example.com/", "https://***@api.example.com/")]
    [InlineData("https://api.example.com/v1/", "https://api.example.com/v1/")]
    public void EndpointRedaction_WithoutUserInfo_MasksCredentialsOnly(string endpoint, string expected)
    {
        Assert.Equal(expected, EndpointRedaction.WithoutUserInfo(new Uri(endpoint)).ToString());
    }

    [Theory]
    [InlineData("http://user:secret@host/", "secret")]
    [InlineData("http://token@host/", "token")]
    [InlineData("http://host/", null)]
    public void EndpointRedaction_UserInfoSecret_IsThePasswordElseTheWholeUserInfo(string endpoint, string? expected)
    {
        Assert.Equal(expected, EndpointRedaction.UserInfoSecret(new Uri(endpoint)));
    }

    [Fact]
    public void SecretRedactor_SeveralSecrets_MasksEach()
    {
        var redactor = new SecretRedactor("key-one-value", null, "p4ssword");

        var text = redactor.Redact("a key-one-value b p4ssword c");

        Assert.Equal("a *** b *** c", text);
    }
}
