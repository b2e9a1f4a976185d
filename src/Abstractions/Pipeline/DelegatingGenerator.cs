namespace Agents;

/// <summary>
/// A generator that passes every call to the generator it wraps: the base class of middleware. Override only
/// what the middleware changes.
/// </summary>
public class DelegatingGenerator : IGenerator
{
    /// <summary>Wraps <paramref name="innerGenerator"/>.</summary>
    /// <param name="innerGenerator">The generator calls pass to.</param>
    /// <exception cref="ArgumentNullException"><paramref name="innerGenerator"/> is <see langword="null"/>.</exception>
    protected DelegatingGenerator(IGenerator innerGenerator)
    {
        ArgumentNullException.ThrowIfNull(innerGenerator);
        InnerGenerator = innerGenerator;
    }

    /// <summary>Gets the generator calls pass to.</summary>
    protected IGenerator InnerGenerator { get; }

    /// <inheritdoc/>
    public virtual Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        InnerGenerator.GenerateAsync(request, cancellationToken);

    /// <inheritdoc/>
    public virtual IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default) =>
        InnerGenerator.StreamAsync(request, cancellationToken);

    /// <summary>
    /// Answers with this instance when it is of <paramref name="serviceType"/> and no key is given; otherwise asks
    /// the inner generator.
    /// </summary>
    /// <param name="serviceType">The type of service wanted.</param>
    /// <param name="serviceKey">An optional key.</param>
    /// <returns>The service, or <see langword="null"/>.</returns>
    public virtual object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        return serviceKey is null && serviceType.IsInstanceOfType(this)
            ? this
            : InnerGenerator.GetService(serviceType, serviceKey);
    }

    /// <summary>Disposes the inner generator.</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the inner generator when <paramref name="disposing"/> is <see langword="true"/>.</summary>
    /// <param name="disposing">Whether the call comes from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            InnerGenerator.Dispose();
        }
    }
}
