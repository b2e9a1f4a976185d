namespace Agents.Safety.Resilience;

/// <summary>
/// Settings of <see cref="ResilienceGenerator"/>: retries with exponential backoff and jitter, a circuit breaker,
/// timeouts, and a fallback generator.
/// </summary>
public sealed class ResilienceOptions
{
    /// <summary>Gets or sets how many times a transient failure is retried (so up to this plus one attempts).</summary>
    /// <value>3 by default; 0 switches retries off; at most 20.</value>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first backoff delay; each later one doubles it (before jitter).</summary>
    /// <value>1 second by default.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets or sets the longest backoff delay (the doubling stops there).</summary>
    /// <value>30 seconds by default.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets whether backoff delays are spread randomly (decorrelated jitter), so clients that failed together do not retry together.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Gets or sets the longest wait honoured from a <see cref="RateLimitedException.RetryAfter"/>: a 429 that asks
    /// for longer is retried after this long.
    /// </summary>
    /// <value>60 seconds by default.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets whether a circuit breaker stops calling the backend while it keeps failing.</summary>
    /// <value><see langword="true"/> by default.</value>
    public bool EnableCircuitBreaker { get; set; } = true;

    /// <summary>Gets or sets the share of failed calls, within <see cref="SamplingDuration"/>, that opens the circuit.</summary>
    /// <value>0.5 by default; in (0, 1].</value>
    public double FailureRatio { get; set; } = 0.5;

    /// <summary>Gets or sets the fewest calls within <see cref="SamplingDuration"/> before the breaker may open.</summary>
    /// <value>10 by default; at least 2.</value>
    public int MinimumThroughput { get; set; } = 10;

    /// <summary>Gets or sets the window over which the failure ratio is measured.</summary>
    /// <value>30 seconds by default; at least 500 ms.</value>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long the circuit stays open before one trial call (half-open) is let through.</summary>
    /// <value>30 seconds by default; at least 500 ms.</value>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets the limit on one attempt; an attempt that exceeds it counts as a transient failure.</summary>
    /// <value><see langword="null"/> by default: attempts are bounded only by the backend's own timeouts.</value>
    public TimeSpan? AttemptTimeout { get; set; }

    /// <summary>
    /// Gets or sets the most the caller waits for the whole call: every attempt, backoff and the fallback. For a
    /// stream it bounds the stream's whole life.
    /// </summary>
    /// <value><see langword="null"/> by default: no total limit.</value>
    public TimeSpan? TotalTimeout { get; set; }

    /// <summary>
    /// Gets or sets the generator used when the primary fails transiently after every retry, or its circuit is open
    /// (e.g. a local model behind a hosted one, or a smaller model).
    /// </summary>
    /// <value><see langword="null"/> by default: no fallback.</value>
    public IGenerator? FallbackGenerator { get; set; }

    /// <summary>Gets the model names to use with the fallback: the request's <see cref="GenerationOptions.ModelId"/> → the fallback's model.</summary>
    /// <value>Empty by default. Keys are compared ordinally.</value>
    public IDictionary<string, string> FallbackModelMap { get; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Gets or sets the fallback's model for requests whose model is not in <see cref="FallbackModelMap"/>.</summary>
    /// <value><see langword="null"/> by default: the fallback's own default model (the primary's model name is not passed on).</value>
    public string? FallbackModelId { get; set; }

    /// <summary>Gets or sets the backend's name in metrics and logs.</summary>
    /// <value><see langword="null"/> by default: the provider name from the wrapped generator's <see cref="GeneratorMetadata"/>.</value>
    public string? BackendName { get; set; }

    /// <summary>Gets or sets the random source of jitter (values in [0, 1)); tests set it to make delays exact.</summary>
    internal Func<double>? Randomizer { get; set; }

    /// <summary>Checks every option and reports all problems at once.</summary>
    /// <exception cref="ArgumentException">One or more options are invalid; the message lists each, naming the option.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        if (MaxRetryAttempts is < 0 or > 20)
        {
            errors.Add($"MaxRetryAttempts must be between 0 and 20; it is {MaxRetryAttempts}.");
        }

        CheckPositive(errors, BaseDelay, nameof(BaseDelay), allowZero: true);
        CheckPositive(errors, MaxDelay, nameof(MaxDelay), allowZero: false);
        if (MaxDelay < BaseDelay)
        {
            errors.Add($"MaxDelay ({MaxDelay}) must not be below BaseDelay ({BaseDelay}).");
        }

        CheckPositive(errors, MaxRetryAfter, nameof(MaxRetryAfter), allowZero: true);
        if (EnableCircuitBreaker)
        {
            if (!(FailureRatio > 0 && FailureRatio <= 1))
            {
                errors.Add($"FailureRatio must be in (0, 1]; it is {FailureRatio}.");
            }

            if (MinimumThroughput < 2)
            {
                errors.Add($"MinimumThroughput must be at least 2; it is {MinimumThroughput}.");
            }

            if (SamplingDuration < TimeSpan.FromMilliseconds(500) || SamplingDuration > TimeSpan.FromDays(1))
            {
                errors.Add($"SamplingDuration must be between 500 ms and 1 day; it is {SamplingDuration}.");
            }

            if (BreakDuration < TimeSpan.FromMilliseconds(500) || BreakDuration > TimeSpan.FromDays(1))
            {
                errors.Add($"BreakDuration must be between 500 ms and 1 day; it is {BreakDuration}.");
            }
        }

        if (AttemptTimeout is { } attempt)
        {
            CheckPositive(errors, attempt, nameof(AttemptTimeout), allowZero: false);
        }

        if (TotalTimeout is { } total)
        {
            CheckPositive(errors, total, nameof(TotalTimeout), allowZero: false);
        }

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid resilience options: " + string.Join(" ", errors));
        }
    }

    private static void CheckPositive(List<string> errors, TimeSpan value, string name, bool allowZero)
    {
        if (value < TimeSpan.Zero || (!allowZero && value == TimeSpan.Zero) || value > TimeSpan.FromDays(1))
        {
            errors.Add($"{name} must be {(allowZero ? "0 or more" : "above 0")} and at most 1 day; it is {value}.");
        }
    }
}
