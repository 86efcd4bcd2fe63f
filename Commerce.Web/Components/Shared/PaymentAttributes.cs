using Commerce.Payments;
using System.ComponentModel.DataAnnotations;

namespace Commerce.Web.Components.Shared;

// Property-level, so each card field shows its own message even while other fields are still empty.

[AttributeUsage(AttributeTargets.Property)]
public sealed class CardNumberAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        CardRules.NumberProblem(value as string) is { } problem ? new ValidationResult(problem, [validationContext.MemberName!]) : ValidationResult.Success;
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class CardExpiryAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var time = validationContext.GetService(typeof(TimeProvider)) as TimeProvider ?? TimeProvider.System;
        return CardRules.ExpiryProblem(value as string, time.GetUtcNow()) is { } problem
            ? new ValidationResult(problem, [validationContext.MemberName!])
            : ValidationResult.Success;
    }
}

[AttributeUsage(AttributeTargets.Property)]
public sealed class CardCvcAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        CardRules.CvcProblem(value as string) is { } problem ? new ValidationResult(problem, [validationContext.MemberName!]) : ValidationResult.Success;
}
