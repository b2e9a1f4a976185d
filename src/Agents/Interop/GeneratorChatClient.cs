using System.Runtime.CompilerServices;
using Microsoft.Extensions.AI;

namespace Agents;

/// <summary>An <see cref="IChatClient"/> over an <see cref="IGenerator"/>; made by <see cref="GeneratorChatClientExtensions.AsChatClient"/>.</summary>
internal sealed class GeneratorChatClient : IChatClient
{
    private readonly IGenerator _generator;
    private ChatClientMetadata? _metadata;

    public GeneratorChatClient(IGenerator generator) => _generator = generator;

    public async Task<ChatResponse> GetResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var result = await _generator.GenerateAsync(ToRequest(messages, options), cancellationToken).ConfigureAwait(false);
        return ChatInteropMapper.ToChatResponse(result);
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default) =>
        StreamCoreAsync(ToRequest(messages, options), cancellationToken);

    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is null)
        {
            if (serviceType == typeof(ChatClientMetadata))
            {
                return _metadata ??= ToChatClientMetadata(_generator.GetService<GeneratorMetadata>());
            }

            if (serviceType.IsInstanceOfType(this))
            {
                return this;
            }
        }

        return _generator.GetService(serviceType, serviceKey);
    }

    /// <summary>Does nothing: the generator belongs to whoever made it, not to this view of it.</summary>
    public void Dispose()
    {
    }

    private static GenerationRequest ToRequest(IEnumerable<ChatMessage> messages, ChatOptions? options)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return new GenerationRequest(
            ChatInteropMapper.ToMessages(messages, options?.Instructions),
            ChatInteropMapper.ToGenerationOptions(options));
    }

    private async IAsyncEnumerable<ChatResponseUpdate> StreamCoreAsync(
        GenerationRequest request, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var update in _generator.StreamAsync(request, cancellationToken).WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return ChatInteropMapper.ToChatResponseUpdate(update);
        }
    }

    private static ChatClientMetadata ToChatClientMetadata(GeneratorMetadata? metadata) =>
        new(metadata?.ProviderName, metadata?.Endpoint, metadata?.ModelId);
}
