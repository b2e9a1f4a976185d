using Agents.Safety.Resilience;
using Agents.Testing;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;
using static Agents.Safety.Tests.RateLimiting.LimitsTestSupport;

namespace Agents.Safety.Tests.Resilience;

/// <summary>The request the fallback receives, and when the fallback is (not) used under timeouts.</summary>
public sealed class ResilienceFallbackTests
{
    private readonly FakeTimeProvider _time = new();

    private static ProviderException ServerError() => new("status 503") { StatusCode = 503, IsTransient = true };

    private ResilienceGenerator Create(IGenerator inner, Action<ResilienceOptions>? configure = null)
    {
        var options = new ResilienceOptions { UseJitter = false, EnableCircuitBreaker = false, BaseDelay = TimeSpan.Zero, MaxRetryAttempts = 0 };
        configure?.Invoke(options);
        return new ResilienceGenerator(inner, options, _time);
    }

    /// <summary>A backend whose calls never finish on their own.</summary>
    private static TestGenerator Stalling() => new()
    {
        Metadata = new GeneratorMetadata("primary", "primary-model", 4096, GeneratorCapabilities.Streaming),
        GenerateAsyncCallback = async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            return new GenerationResult("never");
        },
    };

    [Fact]
    public async Task GenerateAsync_FallbackWithoutAFallbackModel_SendsNoModelButKeepsTheOtherOptions()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError());
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(backend.Generator, o => o.FallbackGenerator = fallback.Generator);
        var request = new GenerationRequest([Message.User("hi")], new GenerationOptions { ModelId = "gpt-big", MaxTokens = 77 });

        var result = await generator.GenerateAsync(request);

        Assert.Equal("local:", result.Text);
        var sent = Assert.Single(fallback.Generator.Requests);
        Assert.NotSame(request.Options, sent.Options);
        Assert.Null(sent.Options!.ModelId);
        Assert.Equal(77, sent.Options.MaxTokens);
        Assert.Equal("gpt-big", request.Options!.ModelId);
    }

    [Fact]
    public async Task GenerateAsync_FallbackWithAMappedModel_KeepsTheOtherOptions()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError());
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(backend.Generator, o =>
        {
            o.FallbackGenerator = fallback.Generator;
            o.FallbackModelMap["gpt-big"] = "tiny-local";
        });
        var request = new GenerationRequest([Message.User("hi")], new GenerationOptions { ModelId = "gpt-big", MaxTokens = 77 });

        await generator.GenerateAsync(request);

        var sent = Assert.Single(fallback.Generator.Requests).Options!;
        Assert.Equal("tiny-local", sent.ModelId);
        Assert.Equal(77, sent.MaxTokens);
        Assert.Equal("gpt-big", request.Options!.ModelId);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("small")]
    public async Task GenerateAsync_FallbackForARequestWithoutOptions_GetsOptionsOnlyToCarryAFallbackModel(string? fallbackModel)
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError());
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(backend.Generator, o =>
        {
            o.FallbackGenerator = fallback.Generator;
            o.FallbackModelId = fallbackModel;
        });
        var request = new GenerationRequest([Message.User("hi")]);

        await generator.GenerateAsync(request);

        var sent = Assert.Single(fallback.Generator.Requests);
        Assert.Equal(fallbackModel, sent.Options?.ModelId);
        Assert.Equal(fallbackModel is not null, sent.Options is not null);
        Assert.Null(request.Options);
    }

    [Fact]
    public async Task GenerateAsync_TotalTimeoutNotYetExpired_StillFallsBack()
    {
        var backend = new ScriptedGenerator(_time, "primary", ServerError());
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(backend.Generator, o =>
        {
            o.FallbackGenerator = fallback.Generator;
            o.TotalTimeout = TimeSpan.FromMinutes(1);
        });

        var result = await generator.GenerateAsync(Request());

        Assert.Equal("local:", result.Text);
        Assert.Equal(1, backend.AttemptCount);
    }

    [Fact]
    public async Task GenerateAsync_TotalTimeoutExpired_TransientTypedTimeoutAndNoFallback()
    {
        var fallback = new ScriptedGenerator(_time, "local");
        using var generator = Create(Stalling(), o =>
        {
            o.FallbackGenerator = fallback.Generator;
            o.TotalTimeout = TimeSpan.FromSeconds(30);
        });

        var call = generator.GenerateAsync(Request());
        await AssertPendingAsync(call);
        _time.Advance(TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<ProviderException>(() => call.WaitAsync(Guard));
        Assert.Equal("timeout", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Equal("primary", error.Provider);
        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal(0, fallback.AttemptCount);
    }

    [Fact]
    public async Task GenerateAsync_LastAttemptTimesOut_SurfacesAsATransientTypedTimeout()
    {
        using var generator = Create(Stalling(), o => o.AttemptTimeout = TimeSpan.FromSeconds(5));

        var call = generator.GenerateAsync(Request());
        await AssertPendingAsync(call);
        _time.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<ProviderException>(() => call.WaitAsync(Guard));
        Assert.Equal("timeout", error.ErrorCode);
        Assert.True(error.IsTransient);
        Assert.Equal("primary", error.Provider);
        var timeout = Assert.IsType<TimeoutException>(error.InnerException);
        Assert.IsType<TimeoutRejectedException>(timeout.InnerException);
    }
}
