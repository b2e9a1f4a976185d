using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agents.Safety.Guards;

/// <summary>
/// The input guards' verdict on one piece of untrusted text — the <see cref="IContentGuard"/> that retrieval
/// (<c>RetrievalGeneratorOptions.ContentGuard</c>) and agents use for passages and tool results, and that
/// <see cref="InputGuardGenerator"/> uses for messages: removes invisible characters, scores prompt injection and
/// applies the policy for the text's <see cref="ContentSource"/>.
/// </summary>
/// <remarks>
/// Size limits are not applied here (they bound a whole request, see <see cref="InputGuardGenerator"/>). The
/// verdict's findings are category names only, never the text. Thread-safe.
/// </remarks>
public sealed class InputContentGuard : IContentGuard, IDisposable
{
    private readonly InputGuardOptions _options;
    private readonly GuardTelemetry _telemetry;
    private readonly ILogger _logger;

    /// <summary>Creates the guard.</summary>
    /// <param name="options">The options; <see langword="null"/> for the defaults. Checked here.</param>
    /// <param name="logger">Receives the guard's events; none when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The options are invalid; the message lists every problem.</exception>
    public InputContentGuard(InputGuardOptions? options = null, ILogger? logger = null)
    {
        _options = options ?? new InputGuardOptions();
        _options.Validate();
        _telemetry = new GuardTelemetry(_options.MeterFactory);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Gets the options.</summary>
    public InputGuardOptions Options => _options;

    /// <inheritdoc/>
    public ValueTask<ContentInspection> InspectAsync(string text, ContentSource source, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(Inspect(text, source));
    }

    /// <summary>Inspects <paramref name="text"/> synchronously (the check is CPU-only).</summary>
    /// <param name="text">The untrusted text.</param>
    /// <param name="source">Where it came from; chooses the policy.</param>
    /// <returns>The text to use and the verdict.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public ContentInspection Inspect(string text, ContentSource source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var assessment = _options.Scorer.Score(text);
        var output = _options.RemoveInvisibleCharacters ? assessment.Text : text;
        var sourceName = GuardTelemetry.SourceName(source);
        if (assessment.Sanitized.RemovedCount > 0 && _options.RemoveInvisibleCharacters)
        {
            GuardLog.Sanitized(_logger, assessment.Sanitized.RemovedCount, sourceName);
        }

        if (_options.EnableSensitiveData && _logger.IsEnabled(LogLevel.Debug))
        {
            GuardLog.InspectedText(_logger, sourceName, text);
        }

        string action;
        var blocked = false;
        if (assessment.Score < _options.InjectionThreshold)
        {
            action = "allowed";
        }
        else
        {
            switch (_options.PolicyFor(source))
            {
                case InjectionPolicy.Block:
                    action = "blocked";
                    blocked = true;
                    break;
                case InjectionPolicy.Strip:
                    action = "stripped";
                    output = Strip(assessment);
                    break;
                default:
                    action = "flagged";
                    break;
            }

            if (_logger.IsEnabled(LogLevel.Warning))
            {
                GuardLog.Decided(_logger, action, sourceName, assessment.Score, string.Join(",", assessment.Findings));
            }
        }

        _telemetry.Record(source, action, assessment.Findings);
        return new ContentInspection(output, assessment.Score, blocked, assessment.Findings);
    }

    /// <summary>Removes the suspicious spans from the sanitised text.</summary>
    private static string Strip(InjectionAssessment assessment)
    {
        var builder = new StringBuilder(assessment.Text.Length);
        var position = 0;
        foreach (var (start, length) in assessment.Spans)
        {
            builder.Append(assessment.Text, position, start - position);
            position = start + length;
        }

        builder.Append(assessment.Text, position, assessment.Text.Length - position);
        return builder.ToString().Trim();
    }

    /// <inheritdoc/>
    public void Dispose() => _telemetry.Dispose();

    internal static string FormatScore(double score) => score.ToString("0.###", CultureInfo.InvariantCulture);
}
