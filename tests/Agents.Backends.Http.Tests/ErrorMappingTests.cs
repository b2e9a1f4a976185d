using System.Net;
using System.Text;
using Agents.Backends.Http;

namespace Agents.Backends.Http.Tests;

/// <summary>
/// Provider error mapping, the error body parser and the Retry-After header precedence, asserted value by value
/// (what a caller sees on the exception), so a changed status range, field or message part is noticed.
/// </summary>
public sealed class ErrorMappingTests
{
    private static readonly DateTimeOffset Now = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Cap = TimeSpan.FromSeconds(60);

    private static readonly HttpBackendSettings Settings = new()
    {
        Provider = "acme",
        Endpoint = new Uri("https://api.example.com/"),
        RequestIdHeader = "x-request-id",
        Timeout = TimeSpan.FromSeconds(30),
        MaxRetryAfter = Cap,
        Redactor = new SecretRedactor("sekrit-key"),
    };

    private static GeneratorException Map(int status, string body, string? requestId = "req_1", TimeSpan? retryAfter = null, Func<HttpFailure, ProviderException, GeneratorException?>? specific = null) =>
        ProviderErrorMapper.Map(new HttpFailure((HttpStatusCode)status, requestId, body, ProviderErrorBody.TryParse(body), retryAfter), Settings, specific);

    [Theory]
    [InlineData(400, false)]
    [InlineData(401, false)]
    [InlineData(404, false)]
    [InlineData(407, false)]
    [InlineData(408, true)]
    [InlineData(409, true)]
    [InlineData(410, false)]
    [InlineData(424, false)]
    [InlineData(425, true)]
    [InlineData(426, false)]
    [InlineData(428, false)]
    [InlineData(429, true)]
    [InlineData(430, false)]
    [InlineData(499, false)]
    [InlineData(500, true)]
    [InlineData(503, true)]
    [InlineData(528, true)]
    [InlineData(529, true)]
    public void IsTransientStatus_EachStatus_MatchesTheRetryableSet(int status, bool expected)
    {
        Assert.Equal(expected, ProviderErrorMapper.IsTransientStatus(status));
    }

    [Theory]
    [InlineData(401, "(authentication failed: check the API key)")]
    [InlineData(403, "(permission denied)")]
    [InlineData(404, "(model or endpoint not found)")]
    [InlineData(408, "(request timeout)")]
    [InlineData(529, "(overloaded)")]
    [InlineData(500, "(server error)")]
    [InlineData(502, "(server error)")]
    public void Map_KnownStatus_MessageDescribesIt(int status, string description)
    {
        var error = Map(status, """{"error":{"message":"boom"}}""");

        var provider = Assert.IsType<ProviderException>(error);
        Assert.Equal($"acme returned HTTP {status} {description} (request id req_1): boom", provider.Message);
        Assert.Equal(status, provider.StatusCode);
        Assert.Equal("acme", provider.Provider);
        Assert.Equal("req_1", provider.RequestId);
        Assert.Equal(ProviderErrorMapper.IsTransientStatus(status), provider.IsTransient);
    }

    [Fact]
    public void Map_UnlistedStatusWithoutRequestId_HasNoDescriptionNorRequestIdPart()
    {
        var error = Map(418, """{"error":{"message":"teapot","type":"odd_type"}}""", requestId: null);

        var provider = Assert.IsType<ProviderException>(error);
        Assert.Equal("acme returned HTTP 418 : teapot", provider.Message);
        Assert.Null(provider.RequestId);
        Assert.Equal("odd_type", provider.ErrorCode);
        Assert.False(provider.IsTransient);
    }

    [Fact]
    public void Map_BodyWithoutErrorObject_UsesTheRedactedExcerptAsDetail()
    {
        var error = Map(500, "upstream died\r\nkey sekrit-key leaked");

        var provider = Assert.IsType<ProviderException>(error);
        Assert.Equal("upstream died key *** leaked", provider.BodyExcerpt);
        Assert.EndsWith(": upstream died key *** leaked", provider.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sekrit-key", provider.Message, StringComparison.Ordinal);
        Assert.Null(provider.ErrorCode);
    }

    [Fact]
    public void Map_ErrorMessageCarryingTheKey_IsRedacted()
    {
        var error = Map(500, """{"error":{"message":"bad key sekrit-key","code":"server_error","type":"api_error"}}""");

        var provider = Assert.IsType<ProviderException>(error);
        Assert.EndsWith(": bad key ***", provider.Message, StringComparison.Ordinal);
        Assert.Equal("server_error", provider.ErrorCode);
    }

    [Fact]
    public void Map_429_IsRateLimitedWithRetryAfterAndTheProviderErrorInside()
    {
        var error = Map(429, """{"error":{"message":"slow down","code":"rate_limit_exceeded"}}""", retryAfter: TimeSpan.FromSeconds(7));

        var limited = Assert.IsType<RateLimitedException>(error);
        Assert.Equal(TimeSpan.FromSeconds(7), limited.RetryAfter);
        Assert.Equal(429, limited.StatusCode);
        Assert.Equal("req_1", limited.RequestId);
        Assert.Equal("acme", limited.Provider);
        Assert.True(limited.IsTransient);
        var inner = Assert.IsType<ProviderException>(limited.InnerException);
        Assert.Equal("rate_limit_exceeded", inner.ErrorCode);
        Assert.Equal(inner.Message, limited.Message);
        Assert.Contains("(rate limited)", limited.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Map_429InsufficientQuota_IsNotTransient()
    {
        var error = Map(429, """{"error":{"message":"quota","type":"insufficient_quota"}}""");

        var limited = Assert.IsType<RateLimitedException>(error);
        Assert.False(limited.IsTransient);
    }

    [Theory]
    [InlineData(400)]
    [InlineData(413)]
    [InlineData(422)]
    public void Map_ClientErrors_AreInvalidRequestNamingTheParameter(int status)
    {
        var error = Map(status, """{"error":{"message":"bad","param":"temperature"}}""");

        var invalid = Assert.IsType<InvalidRequestException>(error);
        Assert.Equal("temperature", invalid.Parameter);
        Assert.Equal(status, invalid.StatusCode);
        Assert.Equal("acme", invalid.Provider);
        Assert.IsType<ProviderException>(invalid.InnerException);
    }

    [Fact]
    public void Map_SpecificMapperResult_WinsAndSeesTheProviderError()
    {
        ProviderException? seen = null;
        var replacement = new ContextWindowExceededException("too long");

        var error = Map(400, """{"error":{"message":"ctx"}}""", specific: (_, p) => { seen = p; return replacement; });

        Assert.Same(replacement, error);
        Assert.Equal(400, seen?.StatusCode);
    }

    [Fact]
    public void Map_SpecificMapperDeclining_FallsBackToTheStatusMapping()
    {
        var error = Map(400, """{"error":{"message":"x"}}""", specific: (_, _) => null);

        Assert.IsType<InvalidRequestException>(error);
    }

    [Fact]
    public void Excerpt_AtTheLimit_IsKeptWhole_AndOneOverIsCut()
    {
        var redactor = new SecretRedactor("unused-key-value");
        var exact = new string('a', ProviderErrorMapper.ExcerptLength);
        var over = exact + "b";

        Assert.Equal(exact, ProviderErrorMapper.Excerpt(exact, redactor));
        Assert.Equal(exact + "…", ProviderErrorMapper.Excerpt(over, redactor));
        Assert.Equal("x", ProviderErrorMapper.Excerpt("  x\n", redactor));
    }

    [Fact]
    public void ParseInt_Digits_ParsesInvariant()
    {
        Assert.Equal(4096, ProviderErrorMapper.ParseInt("4096"));
        Assert.Throws<FormatException>(() => ProviderErrorMapper.ParseInt("-1"));
    }

    [Fact]
    public void ErrorBody_OpenAiShape_ReadsEveryField()
    {
        var body = ProviderErrorBody.TryParse("""{"error":{"message":"m","type":"t","code":"c","param":"p","n_ctx":2048}}""");

        Assert.NotNull(body);
        Assert.Equal("m", body.Message);
        Assert.Equal("t", body.Type);
        Assert.Equal("c", body.Code);
        Assert.Equal("p", body.Parameter);
        Assert.Equal(2048, body.ReadInt("n_ctx"));
        Assert.Null(body.ReadInt("missing"));
        Assert.Null(body.ReadInt("message"));
    }

    [Fact]
    public void ErrorBody_NumericCode_IsKeptAsText_OtherKindsDropped()
    {
        var body = ProviderErrorBody.TryParse("""{"error":{"code":400,"message":null,"type":true,"param":{}}}""");

        Assert.NotNull(body);
        Assert.Equal("400", body.Code);
        Assert.Null(body.Message);
        Assert.Null(body.Type);
        Assert.Null(body.Parameter);
    }

    [Fact]
    public void ErrorBody_ReadIntOutOfInt32Range_IsNull()
    {
        var body = ProviderErrorBody.TryParse("""{"error":{"n_ctx":1e20,"n_prompt_tokens":1.5}}""");

        Assert.NotNull(body);
        Assert.Null(body.ReadInt("n_ctx"));
        Assert.Null(body.ReadInt("n_prompt_tokens"));
    }

    [Fact]
    public void ErrorBody_BareString_IsTheMessage()
    {
        var body = ProviderErrorBody.TryParse("""{"error":"plain words"}""");

        Assert.NotNull(body);
        Assert.Equal("plain words", body.Message);
        Assert.Null(body.Type);
        Assert.Null(body.Error);
        Assert.Null(body.ReadInt("x"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"message":"no error member"}""")]
    [InlineData("""{"error":42}""")]
    [InlineData("""{"error":null}""")]
    public void ErrorBody_NoErrorObject_IsNull(string? text)
    {
        Assert.Null(ProviderErrorBody.TryParse(text));
    }

    [Fact]
    public void ErrorBody_Unknown_IsAnApiError()
    {
        var body = ProviderErrorBody.Unknown("stream broke");

        Assert.Equal("api_error", body.Type);
        Assert.Equal("stream broke", body.Message);
        Assert.Null(body.Code);
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("soon")]
    public void RetryAfterHeaders_UnusableMilliseconds_FallBackToRetryAfter(string ms)
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("retry-after-ms", ms);
        response.Headers.TryAddWithoutValidation("Retry-After", "3");

        Assert.Equal(TimeSpan.FromSeconds(3), RetryAfterParser.Parse(response.Headers, Now, Cap));
    }

    [Theory]
    [InlineData("0", 0)]
    [InlineData("250", 250)]
    [InlineData("60000", 60000)]
    [InlineData("60001", 60000)]
    public void RetryAfterHeaders_Milliseconds_AreUsedAndCapped(string ms, int expected)
    {
        using var response = new HttpResponseMessage();
        response.Headers.TryAddWithoutValidation("retry-after-ms", ms);

        Assert.Equal(TimeSpan.FromMilliseconds(expected), RetryAfterParser.Parse(response.Headers, Now, Cap));
    }

    [Fact]
    public void RetryAfterHeaders_None_IsNull()
    {
        using var response = new HttpResponseMessage();

        Assert.Null(RetryAfterParser.Parse(response.Headers, Now, Cap));
    }

    [Theory]
    [InlineData(" 5 ", 5000)]
    [InlineData("60", 60000)]
    [InlineData("61", 60000)]
    [InlineData("Infinity", -1)]
    public void RetryAfter_DeltaSecondsEdges_TrimmedCappedOrRejected(string value, int expectedMs)
    {
        var expected = expectedMs < 0 ? (TimeSpan?)null : TimeSpan.FromMilliseconds(expectedMs);

        Assert.Equal(expected, RetryAfterParser.Parse(value, Now, Cap));
    }

    [Fact]
    public void RetryAfter_HttpDateExactlyNowOrAtTheCap_IsExact()
    {
        Assert.Equal(TimeSpan.Zero, RetryAfterParser.Parse(Now.ToString("r", System.Globalization.CultureInfo.InvariantCulture), Now, Cap));
        Assert.Equal(Cap, RetryAfterParser.Parse(Now.Add(Cap).ToString("r", System.Globalization.CultureInfo.InvariantCulture), Now, Cap));
        Assert.Equal(TimeSpan.FromSeconds(59), RetryAfterParser.Parse(Now.AddSeconds(59).ToString("r", System.Globalization.CultureInfo.InvariantCulture), Now, Cap));
    }

    [Fact]
    public async Task SseEventReader_TransportFailureWhileWaiting_IsTranslated()
    {
        var translated = new StreamInterruptedException("translated");
        await using var reader = new SseEventReader<string>(
            FailingEvents(new HttpRequestException("reset")),
            CallScopeFactory(),
            _ => translated);

        var thrown = await Assert.ThrowsAsync<StreamInterruptedException>(async () => await reader.MoveNextAsync());
        Assert.Same(translated, thrown);
    }

    [Fact]
    public async Task SseEventReader_OtherFailureWhileWaiting_IsNotTranslated()
    {
        await using var reader = new SseEventReader<string>(
            FailingEvents(new InvalidOperationException("bug")),
            CallScopeFactory(),
            _ => new StreamInterruptedException("translated"));

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await reader.MoveNextAsync());
    }

    [Fact]
    public async Task SseEventReader_Events_AreHandedBackInOrder()
    {
        await using var reader = new SseEventReader<string>(Events("a", "b"), CallScopeFactory(), ex => ex);

        Assert.True(await reader.MoveNextAsync());
        Assert.Equal("a", reader.Current.Data);
        Assert.True(await reader.MoveNextAsync());
        Assert.Equal("b", reader.Current.Data);
        Assert.False(await reader.MoveNextAsync());
    }

    [Fact]
    public void SseEventLimitStream_CarriageReturnThenLineFeedAcrossReads_IsOneLineEndNotABlankLine()
    {
        // "ab\r" then "\n": one line end split over two reads, not an empty line, so "ab" and "cde" are one
        // 5-byte event over a cap of 4.
        using var stream = new SseEventLimitStream(new ChunkedStream("ab\r", "\n", "cde"), 4, () => new IOException("cap"));
        var buffer = new byte[16];

        Assert.Equal(3, stream.Read(buffer, 0, buffer.Length));
        Assert.Equal(1, stream.Read(buffer, 0, buffer.Length));
        Assert.Throws<IOException>(() => stream.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void SseEventLimitStream_CrLfBlankLineAcrossReads_ResetsTheCount()
    {
        using var stream = new SseEventLimitStream(new ChunkedStream("abcd\r", "\n", "\r", "\n", "efgh"), 4, () => new IOException("cap"));
        var buffer = new byte[16];
        var total = 0;
        int read;

        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
        }

        Assert.Equal(12, total);
    }

    [Fact]
    public void SseEventLimitStream_LineFeedAtTheStartOfARead_AfterPlainText_EndsTheLine()
    {
        // "ab" | "\n" | "\n" | "cdef": the first line feed ends "ab"'s line (no carriage return came before it), the
        // second is the blank line, so "cdef" starts a new 4-byte event at a cap of 4.
        using var stream = new SseEventLimitStream(new ChunkedStream("ab", "\n", "\n", "cdef"), 4, () => new IOException("cap"));
        var buffer = new byte[16];
        var total = 0;
        int read;

        while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
        {
            total += read;
        }

        Assert.Equal(8, total);
    }

    [Fact]
    public void SseEventLimitStream_TwoLinesWithoutBlankLine_AddUp()
    {
        using var stream = new SseEventLimitStream(new ChunkedStream("ab\n", "cd\n", "e"), 4, () => new IOException("cap"));
        var buffer = new byte[16];

        Assert.Equal(3, stream.Read(buffer, 0, buffer.Length));
        Assert.Equal(3, stream.Read(buffer, 0, buffer.Length));
        Assert.Throws<IOException>(() => stream.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public void SseEventLimitStream_LoneCarriageReturnsThenBlank_ResetTheCount()
    {
        using var stream = new SseEventLimitStream(new ChunkedStream("abcd\r\r", "abcd\r", "\r", "abcd"), 4, () => new IOException("cap"));
        var buffer = new byte[16];

        Assert.Equal(6, stream.Read(buffer, 0, buffer.Length));
        Assert.Equal(5, stream.Read(buffer, 0, buffer.Length));
        Assert.Equal(1, stream.Read(buffer, 0, buffer.Length));
        Assert.Equal(4, stream.Read(buffer, 0, buffer.Length));
    }

    [Fact]
    public async Task SseEventLimitStream_AsyncReadsThatWait_AreCountedToo()
    {
        await using var stream = new SseEventLimitStream(new ChunkedStream("abc", "de") { Yield = true }, 4, () => new IOException("cap"));
        var buffer = new byte[16];

#pragma warning disable CA2022 // One read at a time is what is tested.
        Assert.Equal(3, await stream.ReadAsync(buffer.AsMemory()));
        await Assert.ThrowsAsync<IOException>(async () => await stream.ReadAsync(buffer.AsMemory()));
#pragma warning restore CA2022
    }

    [Fact]
    public async Task SseEventLimitStream_ArrayReadAsync_ReadsAtTheOffset()
    {
        await using var stream = new SseEventLimitStream(new ChunkedStream("xyz"), 8, () => new IOException("cap"));
        var buffer = new byte[8];

#pragma warning disable CA1835, CA2022 // The array overload is the one under test.
        var read = await stream.ReadAsync(buffer, 2, 5);
#pragma warning restore CA1835, CA2022

        Assert.Equal(3, read);
        Assert.Equal("xyz", Encoding.ASCII.GetString(buffer, 2, 3));
        Assert.Equal(0, buffer[0]);
    }

    [Fact]
    public void SseEventLimitStream_IsReadOnlyAndUnseekable()
    {
        using var stream = new SseEventLimitStream(new ChunkedStream(), 8, () => new IOException("cap"));

        Assert.True(stream.CanRead);
        Assert.False(stream.CanSeek);
        Assert.False(stream.CanWrite);
        Assert.Throws<NotSupportedException>(() => stream.Length);
        Assert.Throws<NotSupportedException>(() => stream.Position);
        Assert.Throws<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.Throws<NotSupportedException>(() => stream.Write([1], 0, 1));
    }

    [Fact]
    public void SseEventLimitStream_Dispose_DisposesTheInnerStream()
    {
        var inner = new ChunkedStream("a");
        var stream = new SseEventLimitStream(inner, 8, () => new IOException("cap"));

        stream.Dispose();

        Assert.True(inner.Disposed);
    }

    private static CallScope CallScopeFactory() => new(TimeSpan.FromMinutes(1), TimeProvider.System, CancellationToken.None);

    private static async IAsyncEnumerator<System.Net.ServerSentEvents.SseItem<string>> FailingEvents(Exception failure)
    {
        await Task.Yield();
        throw failure;
#pragma warning disable CS0162 // An iterator needs a yield to be one.
        yield break;
#pragma warning restore CS0162
    }

    private static async IAsyncEnumerator<System.Net.ServerSentEvents.SseItem<string>> Events(params string[] items)
    {
        foreach (var item in items)
        {
            await Task.Yield();
            yield return new System.Net.ServerSentEvents.SseItem<string>(item);
        }
    }

    /// <summary>A stream that hands back one prepared chunk per read, optionally completing asynchronously.</summary>
    private sealed class ChunkedStream(params string[] chunks) : Stream
    {
        private int _next;

        public bool Yield { get; init; }

        public bool Disposed { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_next >= chunks.Length)
            {
                return 0;
            }

            var bytes = Encoding.ASCII.GetBytes(chunks[_next++]);
            bytes.CopyTo(buffer);
            return bytes.Length;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Yield)
            {
                await Task.Yield();
            }

            return Read(buffer.Span);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }
}
