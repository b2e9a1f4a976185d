namespace Agents;

/// <summary>Middleware that fills the options a request leaves unset from <see cref="GenerationDefaults"/>.</summary>
public sealed class DefaultsGenerator : DelegatingGenerator
{
    private readonly GenerationDefaults _defaults;

    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator calls pass to.</param>
    /// <param name="defaults">The defaults to apply.</param>
    public DefaultsGenerator(IGenerator innerGenerator, GenerationDefaults defaults)
        : base(innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        _defaults = defaults;
    }

    /// <inheritdoc/>
    public override Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        base.GenerateAsync(WithDefaults(request), cancellationToken);

    /// <inheritdoc/>
    public override IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        base.StreamAsync(WithDefaults(request), cancellationToken);

    private GenerationRequest WithDefaults(GenerationRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var options = request.Options?.Clone() ?? new GenerationOptions();
        _defaults.ApplyTo(options);
        GenerationRequestValidator.ValidateOptions(options);
        return new GenerationRequest(request.Messages, options);
    }
}
