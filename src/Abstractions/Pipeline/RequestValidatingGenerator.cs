namespace Agents;

/// <summary>The entry of every built pipeline: rejects invalid requests before any middleware or backend runs.</summary>
internal sealed class RequestValidatingGenerator(IGenerator innerGenerator) : DelegatingGenerator(innerGenerator)
{
    public override Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        GenerationRequestValidator.Validate(request);
        return InnerGenerator.GenerateAsync(request, cancellationToken);
    }

    public override IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        // Validate eagerly, at the call, not at the first MoveNextAsync.
        GenerationRequestValidator.Validate(request);
        return InnerGenerator.StreamAsync(request, cancellationToken);
    }
}
