using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Agents;

/// <summary>An <see cref="IGenerator"/> over an <see cref="IChatClient"/>; made by <see cref="ChatClientGeneratorExtensions.AsGenerator"/>.</summary>
internal sealed class ChatClientGenerator : IGenerator
{
    private readonly IChatClient _chatClient;
    private GeneratorMetadata? _metadata;

    public ChatClientGenerator(IChatClient chatClient) => _chatClient = chatClient;

    public async Task<GenerationResult> GenerateAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        GenerationRequestValidator.Validate(request);
        var response = await _chatClient.GetResponseAsync(
            ChatInteropMapper.ToChatMessages(request.Messages),
            ChatInteropMapper.ToChatOptions(request.Options),
            cancellationToken).ConfigureAwait(false);
        return ChatInteropMapper.ToGenerationResult(response);
    }

    public IAsyncEnumerable<GenerationUpdate> StreamAsync(GenerationRequest request, CancellationToken cancellationToken = default)
    {
        // Validate at the call, not at the first MoveNextAsync.
        GenerationRequestValidator.Validate(request);
        return StreamCoreAsync(request, cancellationToken);
    }

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType == typeof(GeneratorMetadata))
            {
                return _metadata ??= ToGeneratorMetadata(_chatClient.GetService<ChatClientMetadata>());
            }

            if (serviceType.IsInstanceOfType(this))
            {
                return this;
            }
        }

        return _chatClient.GetService(serviceType, serviceKey);
    }

    /// <summary>Does nothing: the chat client belongs to whoever made it, not to this view of it.</summary>
    public void Dispose()
    {
    }

    private async IAsyncEnumerable<GenerationUpdate> StreamCoreAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = _chatClient.GetStreamingResponseAsync(
            ChatInteropMapper.ToChatMessages(request.Messages),
            ChatInteropMapper.ToChatOptions(request.Options),
            cancellationToken);
        await foreach (var update in updates.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return ChatInteropMapper.ToGenerationUpdate(update);
        }
    }

    private static GeneratorMetadata ToGeneratorMetadata(ChatClientMetadata? metadata) =>
        new(metadata?.ProviderName ?? "unknown", metadata?.DefaultModelId, ContextWindow: null,
            GeneratorCapabilities.Streaming | GeneratorCapabilities.Tools | GeneratorCapabilities.JsonSchema)
        {
            Endpoint = metadata?.ProviderUri,
        };
}
