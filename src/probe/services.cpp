#include "probe/services.hpp"

namespace netdx {

std::string_view service_name(std::uint16_t port) {
    switch (port) {
        case 21: return "file transfer (FTP)";
        case 22: return "remote shell (SSH)";
        case 23: return "remote terminal (Telnet)";
        case 25: return "mail relay (SMTP)";
        case 53: return "DNS over TCP";
        case 80: return "web (HTTP)";
        case 88: return "Kerberos";
        case 110: return "mail pickup (POP3)";
        case 139: return "file share (NetBIOS session)";
        case 143: return "mail (IMAP)";
        case 389: return "directory (LDAP)";
        case 443: return "web (HTTPS)";
        case 445: return "file share (SMB)";
        case 465: return "mail submission (SMTPS)";
        case 515: return "printer (LPD)";
        case 587: return "mail submission (SMTP)";
        case 631: return "printer (IPP)";
        case 636: return "directory (LDAPS)";
        case 993: return "mail (IMAPS)";
        case 995: return "mail pickup (POP3S)";
        case 1433: return "database (SQL Server)";
        case 2049: return "file share (NFS)";
        case 3128: return "web proxy";
        case 3306: return "database (MySQL)";
        case 3389: return "remote desktop (RDP)";
        case 5060: return "telephony (SIP)";
        case 5432: return "database (PostgreSQL)";
        case 5900: return "remote desktop (VNC)";
        case 6443: return "Kubernetes API";
        case 8080: return "web (HTTP alternate)";
        case 8443: return "web (HTTPS alternate)";
        case 9100: return "printer (raw/JetDirect)";
        default: return {};
    }
}

}  // namespace netdx
