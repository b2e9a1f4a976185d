using System.Diagnostics.Metrics;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Safety.Validation;

/// <summary>
/// Middleware that checks every answer with a list of <see cref="IOutputValidator"/>s and applies each one's
/// <see cref="ValidationPolicy"/>: reject, redact, repair (re-ask with the violations explained) or fall back.
/// </summary>
/// <remarks>
/// <para>
/// <b>Complete answers</b>: redacting validators run first and the others check the redacted text. Any
/// <see cref="ValidationPolicy.Reject"/> violation throws <see cref="ValidationFailedException"/> listing every
/// violation; otherwise any <see cref="ValidationPolicy.Repair"/> violation re-asks the inner generator (the
/// previous answer and the violations are appended to a clone of the request) up to
/// <see cref="ValidationOptions.MaxRepairAttempts"/> times and then rejects; otherwise any
/// <see cref="ValidationPolicy.Fallback"/> violation returns <see cref="ValidationOptions.FallbackMessage"/>.
/// </para>
/// <para>
/// <b>Streams</b>: when every policy is reject or redact, text is released through a hold-back window: a character
/// reaches the caller only once the incremental validators have seen the window that follows it. A rejecting
/// violation ends the stream with <see cref="ValidationFailedException"/> before any of its characters are released;
/// redacted spans arrive already replaced. Whole-answer validators (schema, groundedness, length, must-match) run
/// when the inner stream ends, before the last window is released. When any validator repairs or falls back, the
/// stream is buffered whole (released text cannot be taken back): the caller gets the accepted answer at the end.
/// </para>
/// <para>
/// Results carry <see cref="OutcomeKey"/> (<c>passed</c>, <c>redacted</c>, <c>repaired</c>, <c>fallback</c>) and
/// <see cref="RepairAttemptsKey"/> in their <see cref="GenerationResult.AdditionalProperties"/> (on the last update
/// of a stream). Streamed updates carry text only; tool calls arrive on the last update, log-probabilities are dropped.
/// </para>
/// </remarks>
public sealed class ValidationGenerator : DelegatingGenerator
{
    /// <summary>The result property holding the outcome: <c>passed</c>, <c>redacted</c>, <c>repaired</c> or <c>fallback</c>.</summary>
    public const string OutcomeKey = "validation.outcome";

    /// <summary>The result property holding how many repair attempts were made.</summary>
    public const string RepairAttemptsKey = "validation.repair_attempts";

    /// <summary>The result property holding the <see cref="ValidationViolation"/>s that were redacted or caused the fallback.</summary>
    public const string ViolationsKey = "validation.violations";

    private readonly ValidationOptions _options;
    private readonly IReadOnlyList<ValidatorRegistration> _registrations;
    private readonly IReadOnlyList<ValidatorRegistration> _incremental;
    private readonly IReadOnlyList<ValidatorRegistration> _wholeAnswer;
    private readonly ValidationEvaluator _evaluator;
    private readonly ValidationTelemetry _telemetry;
    private readonly ILogger _logger;
    private readonly bool _bufferStreams;
    private readonly int _holdBack;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator whose answers are checked.</param>
    /// <param name="options">The validators and their policies; checked here.</param>
    /// <param name="logger">Receives the validation events; none when <see langword="null"/>.</param>
    /// <param name="meterFactory">Makes the meter when <see cref="ValidationOptions.MeterFactory"/> is not set; a private meter when both are <see langword="null"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> or <paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public ValidationGenerator(IGenerator innerGenerator, ValidationOptions options, ILogger? logger = null, IMeterFactory? meterFactory = null)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _registrations = [.. options.Validators];
        _incremental = [.. _registrations.Where(r => r.IsIncremental)];
        _wholeAnswer = [.. _registrations.Where(r => !r.IsIncremental)];
        _bufferStreams = _registrations.Any(r => r.Policy is ValidationPolicy.Repair or ValidationPolicy.Fallback);
        _holdBack = options.GetEffectiveHoldBack();
        _telemetry = new ValidationTelemetry(options.MeterFactory ?? meterFactory);
        _evaluator = new ValidationEvaluator(_registrations, _telemetry);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the number of characters a stream is held back by.</summary>
    public int HoldBackCharacters => _holdBack;

    /// <summary>Gets whether streams are buffered whole because a validator repairs or falls back.</summary>
    public bool BuffersStreams => _bufferStreams;

    /// <inheritdoc/>
    public override Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ValidateCompleteAsync(request, InnerGenerator.GenerateAsync, cancellationToken);
    }

    /// <inheritdoc/>
    public override IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _bufferStreams ? StreamBufferedAsync(request, cancellationToken) : StreamHeldBackAsync(request, cancellationToken);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _telemetry.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<GenerationResult> ValidateCompleteAsync(
        GenerationRequest request, Func<GenerationRequest, CancellationToken, Task<GenerationResult>> produce, CancellationToken cancellationToken)
    {
        var tokenizer = InnerGenerator.GetService<ITokenizer>();
        var current = request;
        Usage? usage = null;
        for (var attempt = 0; ; attempt++)
        {
            var result = await produce(current, cancellationToken).ConfigureAwait(false);
            usage = usage is null ? result.Usage : result.Usage is null ? usage : usage + result.Usage;
            var verdict = await _evaluator.EvaluateAsync(result.Text, request, tokenizer, cancellationToken).ConfigureAwait(false);
            LogViolations(result.Text, verdict);

            if (verdict.Rejected.Count > 0)
            {
                throw Reject([.. verdict.Rejected, .. verdict.ToRepair, .. verdict.ToFallBack], attempt, "rejected");
            }

            if (verdict.ToRepair.Count > 0)
            {
                if (attempt >= _options.MaxRepairAttempts)
                {
                    throw Reject([.. verdict.ToRepair, .. verdict.ToFallBack], attempt, "repair_exhausted");
                }

                foreach (var name in verdict.ToRepair.Select(v => v.Registration).Distinct())
                {
                    _telemetry.RecordDecision(name.Validator.Name, name.Policy, "repair_requested");
                }

                ValidationLog.Repairing(_logger, attempt + 1, _options.MaxRepairAttempts);
                current = BuildRepairRequest(request, result.Text, verdict.ToRepair.Concat(verdict.ToFallBack).Select(v => v.Violation));
                continue;
            }

            RecordRedactions(verdict.Redacted);
            if (verdict.ToFallBack.Count > 0)
            {
                var names = string.Join(", ", verdict.ToFallBack.Select(v => v.Registration.Validator.Name).Distinct());
                foreach (var registration in verdict.ToFallBack.Select(v => v.Registration).Distinct())
                {
                    _telemetry.RecordDecision(registration.Validator.Name, registration.Policy, "fallback");
                }

                ValidationLog.FellBack(_logger, names);
                result.Message = Message.Assistant(_options.FallbackMessage!);
                result.Usage = usage;
                result.AdditionalProperties = WithOutcome(result.AdditionalProperties, "fallback", attempt, [.. verdict.ToFallBack.Select(v => v.Violation)]);
                return result;
            }

            if (attempt > 0)
            {
                foreach (var registration in _registrations.Where(r => r.Policy == ValidationPolicy.Repair))
                {
                    _telemetry.RecordDecision(registration.Validator.Name, registration.Policy, "repaired");
                }
            }

            var outcome = attempt > 0 ? "repaired" : verdict.Redacted.Count > 0 ? "redacted" : "passed";
            if (!ReferenceEquals(verdict.Text, result.Text))
            {
                result.Message = result.Message with { Text = verdict.Text };
            }

            result.Usage = usage;
            result.AdditionalProperties = WithOutcome(result.AdditionalProperties, outcome, attempt, verdict.Redacted);
            return result;
        }
    }

    private async IAsyncEnumerable<GenerationUpdate> StreamBufferedAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var result = await ValidateCompleteAsync(
            request, (r, ct) => InnerGenerator.StreamAsync(r, ct).ToResultAsync(ct), cancellationToken).ConfigureAwait(false);
        foreach (var update in result.ToUpdates())
        {
            yield return update;
        }
    }

    private async IAsyncEnumerable<GenerationUpdate> StreamHeldBackAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var window = new StreamingHoldBack(_incremental, _holdBack);
        var final = new GenerationResultAccumulator();
        string? modelId = null;
        string? responseId = null;
        await foreach (var update in InnerGenerator.StreamAsync(request, cancellationToken).ConfigureAwait(false))
        {
            modelId = update.ModelId ?? modelId;
            responseId = update.ResponseId ?? responseId;
            final.Add(new GenerationUpdate
            {
                ToolCalls = update.ToolCalls,
                FinishReason = update.FinishReason,
                Usage = update.Usage,
                Timings = update.Timings,
                ModelId = update.ModelId,
                ResponseId = update.ResponseId,
                Beams = update.Beams,
                AdditionalProperties = update.AdditionalProperties,
            });
            if (update.Text.Length == 0)
            {
                continue;
            }

            window.Append(update.Text);
            var release = Advance(window, final: false);
            if (release.Length > 0)
            {
                window.Commit(release);
                yield return new GenerationUpdate { Text = release, ModelId = modelId, ResponseId = responseId };
            }
        }

        var rest = Advance(window, final: true);
        var fullText = window.ReleasedText + rest;
        var tokenizer = _wholeAnswer.Count > 0 ? InnerGenerator.GetService<ITokenizer>() : null;
        var rejected = new List<(ValidatorRegistration, ValidationViolation)>();
        var context = new ValidationContext(fullText, request, tokenizer);
        foreach (var registration in _wholeAnswer)
        {
            var found = await registration.Validator.ValidateAsync(context, cancellationToken).ConfigureAwait(false);
            _telemetry.RecordCheck(registration.Validator.Name, found.Count);
            rejected.AddRange(found.Select(v => (registration, v)));
        }

        if (rejected.Count > 0)
        {
            LogStreamViolations(fullText, rejected);
            ValidationLog.StreamStopped(_logger, Names(rejected), window.ReleasedLength);
            throw Reject(rejected, 0, "rejected");
        }

        RecordRedactions(window.Redactions);
        if (rest.Length > 0)
        {
            window.Commit(rest);
            yield return new GenerationUpdate { Text = rest, ModelId = modelId, ResponseId = responseId };
        }

        var summary = final.Build();
        yield return new GenerationUpdate
        {
            ToolCalls = summary.Message.ToolCalls,
            FinishReason = summary.FinishReason,
            Usage = summary.Usage,
            Timings = summary.Timings,
            ModelId = summary.ModelId,
            ResponseId = summary.ResponseId,
            Beams = summary.Beams,
            AdditionalProperties = WithOutcome(
                summary.AdditionalProperties, window.Redactions.Count > 0 ? "redacted" : "passed", 0, window.Redactions),
        };
    }

    private string Advance(StreamingHoldBack window, bool final)
    {
        var (release, rejections) = window.Advance(final);
        if (rejections.Count > 0)
        {
            // The raw text is not reachable here; only the located violations are logged.
            LogStreamViolations(null, rejections);
            ValidationLog.StreamStopped(_logger, Names(rejections), window.ReleasedLength);
            throw Reject(rejections, 0, "rejected");
        }

        return release;
    }

    private ValidationFailedException Reject(
        IReadOnlyList<(ValidatorRegistration Registration, ValidationViolation Violation)> violations, int attempts, string outcome)
    {
        foreach (var registration in violations.Select(v => v.Registration).Distinct())
        {
            _telemetry.RecordDecision(registration.Validator.Name, registration.Policy, outcome);
        }

        var names = Names(violations);
        ValidationLog.Rejected(_logger, names, violations.Count, attempts);
        return new ValidationFailedException(names, [.. violations.Select(v => v.Violation.ToString())]);
    }

    private void RecordRedactions(List<ValidationViolation> redactions)
    {
        if (redactions.Count == 0)
        {
            return;
        }

        foreach (var registration in _registrations.Where(r => r.Policy == ValidationPolicy.Redact
            && redactions.Any(v => v.Validator == r.Validator.Name)))
        {
            _telemetry.RecordDecision(registration.Validator.Name, registration.Policy, "redacted");
        }

        ValidationLog.Redacted(_logger, redactions.Count);
    }

    private void LogViolations(string text, ValidationVerdict verdict)
    {
        if (!_logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        var all = verdict.Redacted.Select(v => (Policy: ValidationPolicy.Redact, Violation: v))
            .Concat(verdict.Rejected.Concat(verdict.ToRepair).Concat(verdict.ToFallBack).Select(v => (v.Registration.Policy, v.Violation)));
        foreach (var group in all.GroupBy(v => (v.Violation.Validator, v.Policy)))
        {
            ValidationLog.Violated(_logger, group.Key.Validator, group.Count(),
                string.Join(",", group.Select(v => v.Violation.Code).Distinct()), ValidationTelemetry.PolicyName(group.Key.Policy));
            LogOffendingText(text, group.Select(v => v.Violation));
        }
    }

    private void LogStreamViolations(string? text, IEnumerable<(ValidatorRegistration Registration, ValidationViolation Violation)> violations)
    {
        if (!_logger.IsEnabled(LogLevel.Warning))
        {
            return;
        }

        foreach (var group in violations.GroupBy(v => v.Registration))
        {
            ValidationLog.Violated(_logger, group.Key.Validator.Name, group.Count(),
                string.Join(",", group.Select(v => v.Violation.Code).Distinct()), ValidationTelemetry.PolicyName(group.Key.Policy));
            if (text is not null)
            {
                LogOffendingText(text, group.Select(v => v.Violation));
            }
        }
    }

    private void LogOffendingText(string text, IEnumerable<ValidationViolation> violations)
    {
        if (!_options.EnableSensitiveData || !_logger.IsEnabled(LogLevel.Debug))
        {
            return;
        }

        foreach (var violation in violations.Where(v => v.HasSpan && v.End <= text.Length))
        {
            ValidationLog.OffendingText(_logger, violation.Validator, violation.Code, text.Substring(violation.Start, violation.Length));
        }
    }

    private static string Names(IEnumerable<(ValidatorRegistration Registration, ValidationViolation Violation)> violations) =>
        string.Join(", ", violations.Select(v => v.Registration.Validator.Name).Distinct());

    private GenerationRequest BuildRepairRequest(GenerationRequest original, string rejectedAnswer, IEnumerable<ValidationViolation> violations)
    {
        var repair = original.Clone();
        var explanation = new StringBuilder(_options.RepairInstructions);
        foreach (var violation in violations)
        {
            explanation.Append("\n- ").Append(violation.Description);
        }

        explanation.Append("\nAnswer the request again, fixing every one of these problems.");
        repair.Messages.Add(Message.Assistant(rejectedAnswer));
        repair.Messages.Add(Message.User(explanation.ToString()));
        return repair;
    }

    private static Dictionary<string, object?> WithOutcome(
        IDictionary<string, object?>? properties, string outcome, int attempts, IReadOnlyList<ValidationViolation> violations)
    {
        var copy = properties is null
            ? new Dictionary<string, object?>(StringComparer.Ordinal)
            : new Dictionary<string, object?>(properties, StringComparer.Ordinal);
        copy[OutcomeKey] = outcome;
        copy[RepairAttemptsKey] = attempts;
        copy[ViolationsKey] = violations;
        return copy;
    }
}
