using Agents.Configuration;

namespace Agents;

/// <summary>
/// Middleware that marks the stable part of each request in its <see cref="CacheHint"/>, so the local backend's
/// KV-prefix cache and hosted providers' prompt caching reuse it: the messages before the newest turn (system prompt,
/// retrieved passages, earlier turns), the tool definitions, the tenant the cached state belongs to, and, when
/// configured, a system prompt every tenant may share.
/// </summary>
/// <remarks>
/// <para>
/// <b>An explicit hint wins.</b> A request whose options already carry a <see cref="CacheHint"/> passes through
/// untouched: the middleware never overrides or merges into a hint the caller set.
/// </para>
/// <para>
/// <b>Byte-stable prompts.</b> Messages are passed on as they are, in the same order, never rewritten or normalised,
/// so the prefix a backend tokenizes for one turn is the one it tokenizes for the next. Only the options are
/// cloned and given a hint; the caller's request and options are never mutated.
/// </para>
/// </remarks>
public sealed class PromptCachingGenerator : DelegatingGenerator
{
    private readonly PromptCachingOptions _options;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator calls pass to.</param>
    /// <param name="options">How to mark requests; copied. Defaults when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PromptCachingGenerator(IGenerator innerGenerator, PromptCachingOptions? options = null)
        : base(innerGenerator)
    {
        _options = options?.Clone() ?? new PromptCachingOptions();
        OptionsValidator.ThrowIfInvalid(_options, nameof(options));
    }

    /// <inheritdoc/>
    public override Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        base.GenerateAsync(WithCacheHint(request), cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        base.StreamAsync(WithCacheHint(request), cancellationToken);

    /// <summary>Returns the hint this middleware gives <paramref name="request"/> when the caller set none.</summary>
    /// <param name="request">The request.</param>
    /// <returns>The hint.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="request"/> is <see langword="null"/>.</exception>
    public CacheHint CreateHint(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var messages = request.Messages;
        var stable = _options.Boundary == StablePrefixBoundary.ThroughLastAssistantMessage
            ? LastIndexOfAssistant(messages) + 1
            : Math.Max(0, messages.Count - 1);
        var shared = 0;
        if (_options.ShareSystemPrompt)
        {
            while (shared < stable && messages[shared].Role == MessageRole.System)
            {
                shared++;
            }
        }

        return new CacheHint
        {
            StablePrefixMessageCount = stable,
            SharedPrefixMessageCount = shared,
            ToolsAreStable = _options.ToolsAreStable,
            TenantKey = TenantKeyOf(request),
        };
    }

    private GenerationRequest WithCacheHint(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Options?.CacheHint is not null)
        {
            return request;
        }

        var options = request.Options?.Clone() ?? new GenerationOptions();
        options.CacheHint = CreateHint(request);
        return new GenerationRequest(request.Messages, options);
    }

    private string? TenantKeyOf(GenerationRequest request)
    {
        if (_options.TenantKeySelector?.Invoke(request) is { Length: > 0 } selected)
        {
            return selected;
        }

        return _options.ReadTenantKeyFromProperties
            && request.Options?.AdditionalProperties is { } properties
            && properties.TryGetValue(_options.TenantKeyProperty, out var value)
            && value is string { Length: > 0 } key
            ? key
            : null;
    }

    private static int LastIndexOfAssistant(IList<Message> messages)
    {
        for (var i = messages.Count - 1; i >= 0; i--)
        {
            if (messages[i].Role == MessageRole.Assistant)
            {
                return i;
            }
        }

        // No assistant turn yet: the leading system messages are still stable.
        var system = 0;
        while (system < messages.Count - 1 && messages[system].Role == MessageRole.System)
        {
            system++;
        }

        return system - 1;
    }
}
