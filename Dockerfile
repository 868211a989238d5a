# Build and run the VssId Host. Roles come from Host__Roles (api, worker, or api,worker).
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/Host/VssId.Host.csproj -c Release -o /app --nologo

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production
EXPOSE 8080
# Uploaded photos (FileStore__Root); a named volume mounted here keeps this ownership.
RUN mkdir -p /var/lib/vssid/files && chown app /var/lib/vssid/files
USER app
ENTRYPOINT ["dotnet", "VssId.Host.dll"]
