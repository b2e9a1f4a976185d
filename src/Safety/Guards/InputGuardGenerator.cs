using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Safety.Guards;

/// <summary>
/// Middleware that guards a request before anything else sees it: bounds its size (characters and tokens), removes
/// control, zero-width and bidirectional-override characters, and scores each inspected message for prompt
/// injection, then flags, strips or blocks according to <see cref="InputGuardOptions.Policy"/>.
/// </summary>
/// <remarks>
/// <para>
/// A request over a size limit, or with a message the policy blocks, throws <see cref="ContentBlockedException"/>
/// (<see cref="ContentBlockedException.Category"/> <c>too-long</c> or <c>prompt-injection</c>) before the inner
/// generator is called. Its message holds counts, scores and categories, never the text.
/// </para>
/// <para>
/// The caller's request is never changed: sanitised or stripped text goes into a clone. With
/// <see cref="InjectionPolicy.Flag"/>, the highest score and the findings are put in the clone's
/// <see cref="GenerationOptions.AdditionalProperties"/> and in the result's (the last update's, for streams) under
/// <see cref="ScoreKey"/> and <see cref="FindingsKey"/>.
/// </para>
/// </remarks>
public sealed class InputGuardGenerator : DelegatingGenerator
{
    /// <summary>The metadata key of the highest injection score among the inspected messages.</summary>
    public const string ScoreKey = "guards.injection_score";

    /// <summary>The metadata key of the findings (an <see cref="IReadOnlyList{T}"/> of category names).</summary>
    public const string FindingsKey = "guards.findings";

    private readonly InputGuardOptions _options;
    private readonly InputContentGuard _guard;
    private readonly ILogger _logger;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator guarded requests go to.</param>
    /// <param name="options">The options; <see langword="null"/> for the defaults. Checked here.</param>
    /// <param name="logger">Receives the guard's events; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public InputGuardGenerator(IGenerator innerGenerator, InputGuardOptions? options = null, ILogger? logger = null)
        : base(innerGenerator)
    {
        _options = options ?? new InputGuardOptions();
        _logger = logger ?? NullLogger.Instance;
        _guard = new InputContentGuard(_options, _logger);
    }

    /// <summary>Gets the guard this middleware applies, usable for retrieved passages and tool results too.</summary>
    public InputContentGuard ContentGuard => _guard;

    /// <inheritdoc/>
    public override async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        var (guarded, flags) = Guard(request);
        var result = await base.GenerateAsync(guarded, cancellationToken).ConfigureAwait(false);
        if (flags is not null)
        {
            result.AdditionalProperties = WithFlags(result.AdditionalProperties, flags.Value);
        }

        return result;
    }

    /// <inheritdoc/>
    public override async IAsyncEnumerable<GenerationUpdate> StreamAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var (guarded, flags) = Guard(request);
        await foreach (var update in base.StreamAsync(guarded, cancellationToken).ConfigureAwait(false))
        {
            if (flags is not null && update.FinishReason is not null)
            {
                update.AdditionalProperties = WithFlags(update.AdditionalProperties, flags.Value);
            }

            yield return update;
        }
    }

    /// <inheritdoc/>
    public override object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(_guard) ? _guard : base.GetService(serviceType, serviceKey);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _guard.Dispose();
        }

        base.Dispose(disposing);
    }

    private (GenerationRequest Request, (double Score, IReadOnlyList<string> Findings)? Flags) Guard(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        CheckSize(request);

        GenerationRequest? clone = null;
        var maxScore = 0.0;
        var flagged = new List<string>();
        for (var i = 0; i < request.Messages.Count; i++)
        {
            var message = request.Messages[i];
            if (!_options.InspectedRoles.Contains(message.Role) || message.Text.Length == 0)
            {
                continue;
            }

            var source = message.Role == MessageRole.Tool ? ContentSource.ToolResult : ContentSource.UserInput;
            var inspection = _guard.Inspect(message.Text, source);
            if (inspection.Blocked)
            {
                var reason = $"message {i} ({message.Role}) scored {InputContentGuard.FormatScore(inspection.Score)} for prompt injection "
                    + $"(threshold {InputContentGuard.FormatScore(_options.InjectionThreshold)}; findings: {string.Join(", ", inspection.Findings)})";
                GuardLog.Blocked(_logger, reason);
                throw new ContentBlockedException($"The input guard blocked the request: {reason}.")
                {
                    BlockedBy = "input-guards",
                    Category = "prompt-injection",
                };
            }

            if (inspection.Score >= _options.InjectionThreshold && _options.PolicyFor(source) == InjectionPolicy.Flag)
            {
                maxScore = Math.Max(maxScore, inspection.Score);
                flagged.AddRange(inspection.Findings.Except(flagged));
            }

            if (!string.Equals(inspection.Text, message.Text, StringComparison.Ordinal))
            {
                clone ??= request.Clone();
                clone.Messages[i] = message with { Text = inspection.Text };
            }
        }

        if (flagged.Count == 0)
        {
            return (clone ?? request, null);
        }

        clone ??= request.Clone();
        var options = clone.Options ?? new GenerationOptions();
        options.AdditionalProperties = WithFlags(options.AdditionalProperties, (maxScore, flagged));
        clone.Options = options;
        return (clone, (maxScore, flagged));
    }

    private void CheckSize(GenerationRequest request)
    {
        if (_options.MaxInputCharacters is null && _options.MaxInputTokens is null)
        {
            return;
        }

        var characters = 0;
        var tokens = 0;
        var tokenizer = _options.MaxInputTokens is null ? null : _options.Tokenizer ?? InnerGenerator.GetService<ITokenizer>();
        foreach (var message in request.Messages.Where(m => _options.InspectedRoles.Contains(m.Role)))
        {
            characters += message.Text.Length;
            if (_options.MaxInputTokens is not null)
            {
                tokens += Validation.TokenCountEstimate.Count(message.Text, tokenizer);
            }
        }

        string? reason = null;
        if (characters > _options.MaxInputCharacters)
        {
            reason = $"the input has {characters} characters; the limit is {_options.MaxInputCharacters}";
        }
        else if (tokens > _options.MaxInputTokens)
        {
            reason = $"the input has {tokens} {(tokenizer is null ? "estimated " : string.Empty)}tokens; the limit is {_options.MaxInputTokens}";
        }

        if (reason is not null)
        {
            GuardLog.Blocked(_logger, reason);
            throw new ContentBlockedException($"The input guard blocked the request: {reason}.")
            {
                BlockedBy = "input-guards",
                Category = "too-long",
            };
        }
    }

    private static Dictionary<string, object?> WithFlags(IDictionary<string, object?>? properties, (double Score, IReadOnlyList<string> Findings) flags)
    {
        var copy = properties is null
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            : new Dictionary<string, object?>(properties, StringComparer.Ordinal);
        copy[ScoreKey] = flags.Score;
        copy[FindingsKey] = flags.Findings;
        return copy;
    }
}
