using FluentValidation;
using Mediator;
using VssId.BuildingBlocks.Errors;

namespace VssId.BuildingBlocks.Mediator;

/// <summary>
/// Runs the FluentValidation validators of a message before its handler; any violation is a 400 with
/// field errors, so a handler only ever sees valid input and nothing is stored for invalid input.
/// </summary>
public sealed class ValidationBehavior<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators)
    : IPipelineBehavior<TMessage, TResponse>
    where TMessage : notnull, IMessage
{
    private readonly IValidator<TMessage>[] _validators = validators.ToArray();

    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next,
        CancellationToken cancellationToken)
    {
        if (_validators.Length == 0)
        {
            return await next(message, cancellationToken);
        }
        var errors = new List<(string, FieldError)>();
        foreach (var validator in _validators)
        {
            var result = await validator.ValidateAsync(message, cancellationToken);
            errors.AddRange(result.Errors.Select(f => (JsonPath(f.PropertyName), ToFieldError(f))));
        }
        if (errors.Count > 0)
        {
            throw new ValidationProblemException(errors);
        }
        return await next(message, cancellationToken);
    }

    private static FieldError ToFieldError(FluentValidation.Results.ValidationFailure failure) =>
        failure.CustomState as FieldError
        ?? new FieldError(failure.ErrorCode, new LocalizedText(failure.ErrorMessage, failure.ErrorMessage));

    // "Address.WardCode" → "address.wardCode": the names integrators see in the JSON.
    private static string JsonPath(string propertyName) =>
        string.Join('.', propertyName.Split('.').Select(p => p.Length == 0 ? p : char.ToLowerInvariant(p[0]) + p[1..]));
}

/// <summary>FluentValidation helpers that attach a stable code and both languages to a rule.</summary>
public static class ValidationRuleExtensions
{
    /// <summary>Makes a failing rule report <paramref name="error"/>.</summary>
    public static IRuleBuilderOptions<T, TProperty> WithError<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule, FieldError error) =>
        rule.WithErrorCode(error.Code).WithMessage(error.Message.Vi).WithState(_ => error);
}
